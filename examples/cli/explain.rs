//! `kubepull explain [POD.json] [--secret FILE]... [--service-account FILE] [--node-config FILE]
//! [--present IMAGE]... [--index IMAGE=INDEX.json]... [--platform SPEC] [--json]`
//!
//! Why would this pod get (or not get) its images? For every container and image volume:
//! the normalised image, the effective pull policy and whether it was defaulted, what the
//! kubelet does when the image is present and when it is absent, the credentials it tries in
//! order with their sources (passwords never shown), and, given an index, the manifest the
//! node's platform selects. Lint findings for the pull secrets and node file come first.
//! With no POD it explains the bundled demo under `examples/data/demo/`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use kubepull::Reference;
use kubepull::config::{DockerConfig, Finding, KubeSecret, lint, lint_secret};
use kubepull::keyring::{Keyring, effective_pull_secrets};
use kubepull::platform::{ImageIndex, Matcher, Platform};
use kubepull::policy::{Action, DefaultedPullPolicy, Pod, Presence, Verification, decide};
use serde::Serialize;
use serde_json::Value;

use super::common::{DATA_DIR, usage_error};

const USAGE: &str = "usage: kubepull explain [POD.json] [--secret FILE]... [--service-account FILE] [--node-config FILE] [--present IMAGE]... [--index IMAGE=INDEX.json]... [--platform SPEC] [--json]";

/// Where the kubelet would have read the node file; shown next to the file actually used.
const NODE_CONFIG_PATH: &str = "/var/lib/kubelet/config.json";

#[derive(Default)]
struct Args {
    pod: Option<String>,
    secrets: Vec<String>,
    service_account: Option<String>,
    node_config: Option<String>,
    present: Vec<String>,
    indexes: Vec<(String, String)>,
    platform: String,
    json: bool,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        platform: "linux/amd64".to_owned(),
        ..Args::default()
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--json" => parsed.json = true,
            "--secret" => parsed.secrets.push(value("--secret")?),
            "--service-account" => parsed.service_account = Some(value("--service-account")?),
            "--node-config" => parsed.node_config = Some(value("--node-config")?),
            "--present" => parsed.present.push(value("--present")?),
            "--platform" => parsed.platform = value("--platform")?,
            "--index" => {
                let v = value("--index")?;
                let (image, file) = v.split_once('=').ok_or("--index takes IMAGE=INDEX.json")?;
                parsed.indexes.push((image.to_owned(), file.to_owned()));
            }
            a if a.starts_with("--") => return Err(format!("unknown option {a}")),
            a if parsed.pod.is_none() => parsed.pod = Some(a.to_owned()),
            _ => return Err("at most one POD file".to_owned()),
        }
    }
    Ok(parsed)
}

/// The bundled demo: a pod whose ServiceAccount supplies two pull secrets of both types, a node
/// config.json, an image with a multi-arch index, and an arm64 node.
fn demo_args(json: bool) -> Args {
    // Relative paths read better when run from the crate root, as the README does.
    let data = if std::path::Path::new("examples/data/demo").is_dir() {
        "examples/data"
    } else {
        DATA_DIR
    };
    let demo = format!("{data}/demo");
    Args {
        pod: Some(format!("{demo}/pod.json")),
        secrets: vec![
            format!("{demo}/regcred.secret.json"),
            format!("{demo}/legacy-cfg.secret.json"),
        ],
        service_account: Some(format!("{demo}/serviceaccount.json")),
        node_config: Some(format!("{demo}/node-config.json")),
        present: vec!["quay.io/acme/metrics:v2".to_owned()],
        indexes: vec![(
            "registry.example.com/shop/web:1.4.2".to_owned(),
            format!("{data}/index.json"),
        )],
        platform: "linux/arm64".to_owned(),
        json,
    }
}

#[derive(Serialize)]
struct Report {
    pod: String,
    #[serde(rename = "serviceAccount")]
    service_account: String,
    #[serde(rename = "pullSecrets")]
    pull_secrets: Vec<String>,
    #[serde(rename = "pullSecretsFrom")]
    pull_secrets_from: &'static str,
    lint: Vec<LintLine>,
    images: Vec<ImageReport>,
}

#[derive(Serialize)]
struct LintLine {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    kind: String,
    message: String,
}

#[derive(Serialize)]
struct ImageReport {
    path: String,
    name: String,
    image: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    normalized: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    familiar: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    policy: Option<String>,
    defaulted: bool,
    present: bool,
    #[serde(rename = "ifPresent")]
    if_present: Outcome,
    #[serde(rename = "ifAbsent")]
    if_absent: Outcome,
    credentials: Vec<CredentialLine>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<PlatformChoice>,
}

#[derive(Serialize)]
struct Outcome {
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

#[derive(Serialize)]
struct CredentialLine {
    key: String,
    username: String,
    source: String,
}

#[derive(Serialize)]
struct PlatformChoice {
    index: String,
    wanted: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    digest: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs the subcommand.
pub fn run(args: &[String]) -> ExitCode {
    let args = match parse_args(args) {
        Ok(a) if a.pod.is_none() => demo_args(a.json),
        Ok(a) => a,
        Err(e) => return usage_error(&format!("explain: {e}\n{USAGE}")),
    };
    match explain(&args) {
        Ok(report) if args.json => {
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
            ExitCode::SUCCESS
        }
        Ok(report) => {
            print_human(&report, &args);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kubepull explain: {e}");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}"))
}

fn explain(args: &Args) -> Result<Report, String> {
    let pod_path = args.pod.as_deref().unwrap_or_default();
    let pod_bytes = read(pod_path)?;
    let pod: Pod = serde_json::from_slice(&pod_bytes).map_err(|e| format!("{pod_path}: {e}"))?;
    let raw: Value = serde_json::from_slice(&pod_bytes).map_err(|e| format!("{pod_path}: {e}"))?;
    let names = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array)
            .map(|refs| {
                refs.iter()
                    .filter_map(|r| r["name"].as_str())
                    .filter(|n| !n.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    };
    let pod_secrets = names(raw["spec"].get("imagePullSecrets"));
    let service_account = raw["spec"]["serviceAccountName"]
        .as_str()
        .unwrap_or("default")
        .to_owned();
    let sa_secrets = match &args.service_account {
        Some(path) => {
            let sa: Value =
                serde_json::from_slice(&read(path)?).map_err(|e| format!("{path}: {e}"))?;
            names(sa.get("imagePullSecrets"))
        }
        None => Vec::new(),
    };
    let effective = effective_pull_secrets(&pod_secrets, &sa_secrets).to_vec();
    let from = if !pod_secrets.is_empty() {
        "pod"
    } else if !sa_secrets.is_empty() {
        "serviceAccount"
    } else {
        "none"
    };

    // Secrets by name, in the effective order; files naming other secrets are ignored, as the
    // kubelet only fetches the ones the pod refers to.
    let mut lint_lines = Vec::new();
    let mut by_name = BTreeMap::new();
    for path in &args.secrets {
        let bytes = read(path)?;
        let secret = KubeSecret::from_json(&bytes).map_err(|e| format!("{path}: {e}"))?;
        push_findings(&mut lint_lines, path, lint_secret(&secret));
        by_name.insert(secret.name.clone(), secret);
    }
    let mut builder = Keyring::builder();
    for name in &effective {
        if let Some(secret) = by_name.get(name) {
            builder.add_pull_secret(secret);
        }
    }
    if let Some(path) = &args.node_config {
        let bytes = read(path)?;
        push_findings(&mut lint_lines, path, lint(&bytes));
        let config = DockerConfig::from_config_json(&bytes).map_err(|e| format!("{path}: {e}"))?;
        builder.add_node_config(path, &config);
    }
    let keyring = builder.build().map_err(|e| e.to_string())?;

    let host = Platform::parse("linux/amd64", &Platform::default()).map_err(|e| e.to_string())?;
    let wanted = Platform::parse(&args.platform, &host).map_err(|e| format!("--platform: {e}"))?;
    let mut images = Vec::new();
    for (path, name, image, field) in pod_images(&pod) {
        images.push(explain_image(
            args, &keyring, &wanted, path, name, image, field,
        ));
    }
    Ok(Report {
        pod: format!("{}/{}", pod.metadata.namespace, pod.metadata.name),
        service_account,
        pull_secrets: effective,
        pull_secrets_from: from,
        lint: lint_lines,
        images,
    })
}

fn push_findings(lines: &mut Vec<LintLine>, file: &str, findings: Vec<Finding>) {
    for f in findings {
        lines.push(LintLine {
            file: file.to_owned(),
            key: f.registry_key.clone(),
            kind: f.kind.name().to_owned(),
            message: f.message.clone(),
        });
    }
}

/// Every image the pod pulls with its field path: init, regular and ephemeral containers, then
/// image volumes.
fn pod_images(pod: &Pod) -> Vec<(String, String, String, String)> {
    let spec = &pod.spec;
    let containers = [
        ("initContainers", &spec.init_containers),
        ("containers", &spec.containers),
        ("ephemeralContainers", &spec.ephemeral_containers),
    ];
    let mut out = Vec::new();
    for (field, list) in containers {
        for (i, c) in list.iter().enumerate() {
            out.push((
                format!("spec.{field}[{i}]"),
                c.name.clone(),
                c.image.clone(),
                c.image_pull_policy.clone(),
            ));
        }
    }
    for (i, v) in spec.volumes.iter().enumerate() {
        if let Some(image) = &v.image {
            out.push((
                format!("spec.volumes[{i}].image"),
                v.name.clone(),
                image.reference.clone(),
                image.pull_policy.clone(),
            ));
        }
    }
    out
}

fn explain_image(
    args: &Args,
    keyring: &Keyring,
    wanted: &Platform,
    path: String,
    name: String,
    image: String,
    field: String,
) -> ImageReport {
    let present = args.present.contains(&image);
    let mut report = ImageReport {
        path,
        name,
        image: image.clone(),
        error: None,
        normalized: None,
        familiar: None,
        policy: None,
        defaulted: false,
        present,
        if_present: Outcome {
            action: "fail",
            message: None,
        },
        if_absent: Outcome {
            action: "fail",
            message: None,
        },
        credentials: Vec::new(),
        platform: None,
    };
    let policy = match DefaultedPullPolicy::from_field(&image, &field) {
        Ok(p) => p,
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    report.policy = Some(policy.policy.to_string());
    report.defaulted = policy.defaulted;
    let outcome = |presence: Presence| {
        let decision = decide(&image, policy.policy, &presence, &Verification::Disabled);
        Outcome {
            action: match decision.action() {
                Action::Pull => "pull",
                Action::UseLocal => "use-local",
                _ => "fail",
            },
            message: decision.error().map(|e| e.message().to_owned()),
        }
    };
    report.if_present = outcome(Presence::Present);
    report.if_absent = outcome(Presence::Absent);
    let reference = match Reference::parse(&image) {
        Ok(r) => r,
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    report.normalized = Some(reference.to_string());
    report.familiar = Some(reference.familiar().to_owned());
    report.credentials = keyring
        .lookup(&reference)
        .into_iter()
        .map(|c| CredentialLine {
            key: String::from_utf8_lossy(c.key().as_bytes()).into_owned(),
            username: c.username().to_owned(),
            source: c.source().to_string(),
        })
        .collect();
    if let Some((_, file)) = args.indexes.iter().find(|(i, _)| *i == image) {
        let mut choice = PlatformChoice {
            index: file.clone(),
            wanted: wanted.to_string(),
            digest: None,
            error: None,
        };
        match read(file).and_then(|b| ImageIndex::parse(&b).map_err(|e| e.to_string())) {
            Ok(index) => match index.try_select(&Matcher::only(wanted)) {
                Ok(d) => choice.digest = Some(d.digest.clone()),
                Err(e) => choice.error = Some(e.to_string()),
            },
            Err(e) => choice.error = Some(e),
        }
        report.platform = Some(choice);
    }
    report
}

fn print_human(report: &Report, args: &Args) {
    println!(
        "Pod {} (service account {})",
        report.pod, report.service_account
    );
    match report.pull_secrets_from {
        "pod" => println!(
            "Pull secrets, from the pod spec: {}",
            report.pull_secrets.join(", ")
        ),
        "serviceAccount" => println!(
            "Pull secrets: the pod lists none, so it gets its ServiceAccount's: {}",
            report.pull_secrets.join(", ")
        ),
        _ => println!("Pull secrets: none (neither the pod nor its ServiceAccount lists any)"),
    }
    if let Some(node) = &args.node_config {
        println!("Node credentials: {node} (read as the kubelet reads {NODE_CONFIG_PATH})");
    }
    if !report.lint.is_empty() {
        println!("\nProblems in the credentials:");
        for l in &report.lint {
            let key = l
                .key
                .as_deref()
                .map(|k| format!(" [{k}]"))
                .unwrap_or_default();
            println!(
                "  {}{key}: {}",
                l.file.rsplit('/').next().unwrap_or(&l.file),
                l.message
            );
        }
    }
    for image in &report.images {
        println!("\n{} ({})", image.path, image.name);
        println!("  image         {}", image.image);
        if let Some(normalized) = &image.normalized {
            println!("  normalised    {normalized}");
            println!(
                "  familiar      {}",
                image.familiar.as_deref().unwrap_or_default()
            );
        }
        if let Some(policy) = &image.policy {
            let how = if image.defaulted {
                "defaulted by the API server"
            } else {
                "set in the pod"
            };
            println!("  pull policy   {policy} ({how})");
        }
        if let Some(error) = &image.error {
            println!("  error         {error}");
            continue;
        }
        let describe = |o: &Outcome| match (o.action, &o.message) {
            (_, Some(m)) => format!("fail: {m}"),
            ("pull", None) => "pull it".to_owned(),
            _ => "use the image on the node".to_owned(),
        };
        let mark = |present: bool| {
            if present == image.present {
                "  <- this node"
            } else {
                ""
            }
        };
        println!(
            "  if present    {}{}",
            describe(&image.if_present),
            mark(true)
        );
        println!(
            "  if absent     {}{}",
            describe(&image.if_absent),
            mark(false)
        );
        if image.credentials.is_empty() {
            println!("  credentials   none match: the pull is anonymous");
        } else {
            println!("  credentials   tried in this order, first success wins:");
            for (i, c) in image.credentials.iter().enumerate() {
                println!(
                    "                {}. {} as {:?} from {}",
                    i + 1,
                    c.key,
                    c.username,
                    c.source
                );
            }
        }
        if let Some(p) = &image.platform {
            match (&p.digest, &p.error) {
                (Some(d), _) => {
                    println!("  platform      {} selects {d} from {}", p.wanted, p.index)
                }
                (_, Some(e)) => println!("  platform      {}: {e}", p.wanted),
                _ => {}
            }
        }
    }
}
