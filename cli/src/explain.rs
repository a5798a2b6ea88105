//! `kubepull explain`: why a pod would (or would not) get its images.
//!
//! For every container and image volume: the normalised image, the effective pull policy
//! and whether it was defaulted, what the kubelet does when the image is present and when it
//! is absent, the credentials it tries in order with their sources (passwords never shown),
//! the manifest the node's platform selects from a given index, a cloud hint when nothing
//! matches a cloud registry, and with `--probe` what the registry said to each credential.
//! Lint findings and missing pull secrets come first.

use std::collections::HashMap;
use std::process::ExitCode;

use clap::Args;
use kubepull::Reference;
use kubepull::config::{KubeSecret, lint, lint_secret};
use kubepull::platform::{ImageIndex, Matcher, Platform};
use kubepull::pod::{Objects, PlannedImage, Pod, PullPlan, ServiceAccount};
use kubepull::policy::{Action, Presence, Verification, decide, failed_pull_secrets_event};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::credentials::{self, LintLine, Row};
use crate::hints::{self, CloudHint};
use crate::probe::{self, Probe, ProbeArgs, ProbeOptions};
use crate::{InputError, Output, exit, input};

/// `kubepull explain`.
#[derive(Args)]
pub struct ExplainArgs {
    /// The pod: a Pod, or a List holding it and optionally its ServiceAccount and Secrets, as
    /// `kubectl get -o json` or `-o yaml` prints them; `-` reads stdin. Without it, the
    /// bundled demo.
    #[arg(value_name = "POD|LIST|-")]
    pub input: Option<String>,
    /// Which pod of the input, when it holds several.
    #[arg(long = "pod", value_name = "NAME")]
    pub pod_name: Option<String>,
    /// A pull secret: a Secret, or a List of Secrets (repeatable). Only the secrets the pod's
    /// pulls use are added, in the pod's order.
    #[arg(long = "secret", value_name = "FILE")]
    pub secrets: Vec<String>,
    /// The pod's ServiceAccount. For a pod about to be created, whose spec lists no pull
    /// secrets, admission copies the ServiceAccount's; a pod read back from the cluster
    /// already holds them.
    #[arg(long, value_name = "FILE")]
    pub service_account: Option<String>,
    /// The node's docker config (config.json, or a file named .dockercfg), as the kubelet
    /// reads /var/lib/kubelet/config.json.
    #[arg(long, value_name = "FILE")]
    pub node_config: Option<String>,
    /// A credential provider plugin's answer (its JSON stdout), named after the file
    /// (repeatable).
    #[arg(long = "provider-response", value_name = "FILE")]
    pub provider_responses: Vec<String>,
    /// An image already on the node (repeatable).
    #[arg(long = "present", value_name = "IMAGE")]
    pub present: Vec<String>,
    /// A multi-arch index of an image, to show what the node's platform selects
    /// (repeatable).
    #[arg(long = "index", value_name = "IMAGE=FILE", value_parser = parse_index_arg)]
    pub indexes: Vec<(String, String)>,
    #[command(flatten)]
    pub probe: ProbeArgs,
    #[command(flatten)]
    pub output: Output,
}

fn parse_index_arg(value: &str) -> Result<(String, String), String> {
    let (image, file) = value
        .split_once('=')
        .ok_or_else(|| "expected IMAGE=FILE".to_owned())?;
    Ok((image.to_owned(), file.to_owned()))
}

/// What `explain` works on, read from files or built in (the demo).
pub struct Inputs {
    /// The pod.
    pub pod: Pod,
    /// Its ServiceAccount, when given.
    pub service_account: Option<ServiceAccount>,
    /// Every Secret given, with the file it came from.
    pub secrets: Vec<(String, KubeSecret)>,
    /// The node's docker config: its name, as the user gave it, and its bytes.
    pub node_config: Option<(String, Zeroizing<Vec<u8>>)>,
    /// Credential provider plugin answers (files).
    pub provider_responses: Vec<String>,
    /// Images on the node.
    pub present: Vec<String>,
    /// Indexes: (image, file name, bytes).
    pub indexes: Vec<(String, String, Vec<u8>)>,
}

/// The explanation of one pod, as printed with `--json`.
#[derive(Serialize)]
pub struct Report {
    pod: String,
    #[serde(rename = "serviceAccount")]
    service_account: String,
    #[serde(rename = "serviceAccountGiven")]
    service_account_given: bool,
    #[serde(rename = "pullSecrets")]
    pull_secrets: Vec<String>,
    /// `pod`, `serviceAccount`, `none`, or `unknown` (the pod lists none and its
    /// ServiceAccount was not given).
    #[serde(rename = "pullSecretsFrom")]
    pull_secrets_from: &'static str,
    #[serde(rename = "missingPullSecrets")]
    missing_pull_secrets: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    warning: Option<String>,
    #[serde(rename = "nodeConfig", skip_serializing_if = "Option::is_none")]
    node_config: Option<String>,
    lint: Vec<LintLine>,
    images: Vec<ImageReport>,
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
    credentials: Vec<Row>,
    #[serde(skip_serializing_if = "Option::is_none")]
    platform: Option<PlatformChoice>,
    #[serde(rename = "cloudHint", skip_serializing_if = "Option::is_none")]
    cloud_hint: Option<CloudHint>,
    #[serde(skip_serializing_if = "Option::is_none")]
    probe: Option<Probe>,
}

impl ImageReport {
    /// What the kubelet does on this node (given `--present`).
    fn here(&self) -> &Outcome {
        if self.present {
            &self.if_present
        } else {
            &self.if_absent
        }
    }

    /// Whether the image would be pulled or used on this node (and, if probed and pulled,
    /// whether the probe proved it).
    fn succeeds(&self) -> bool {
        if self.error.is_some() {
            return false;
        }
        match self.here().action {
            "fail" => false,
            "pull" => self
                .probe
                .as_ref()
                .is_none_or(|p| p.result == probe::Outcome::Ok),
            _ => true,
        }
    }
}

#[derive(Serialize)]
struct Outcome {
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
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

/// Runs `kubepull explain`.
///
/// # Errors
///
/// An input cannot be read or is not what it should be.
pub fn run(args: &ExplainArgs) -> Result<ExitCode, InputError> {
    let Some(path) = args.input.as_deref() else {
        if has_input_flags(args) {
            return Err(InputError(
                "explain: name the pod's file (or - for stdin) when giving other inputs; \
                 without one it explains the bundled demo"
                    .to_owned(),
            ));
        }
        if args.probe.probe {
            return Err(InputError(
                "explain: --probe needs a pod to probe; the bundled demo's registries are not real"
                    .to_owned(),
            ));
        }
        return Ok(crate::demo::explain(args.output));
    };
    let inputs = load(path, args)?;
    let platform = args.probe.node_platform()?;
    let probe = if args.probe.probe {
        Some(ProbeOptions::new(&args.probe)?)
    } else {
        None
    };
    let report = explain(&inputs, &platform, probe.as_ref())?;
    Ok(print(&report, args.output))
}

fn has_input_flags(args: &ExplainArgs) -> bool {
    args.pod_name.is_some()
        || !args.secrets.is_empty()
        || args.service_account.is_some()
        || args.node_config.is_some()
        || !args.provider_responses.is_empty()
        || !args.present.is_empty()
        || !args.indexes.is_empty()
}

/// Reads the pod, its ServiceAccount and secrets, the node file and the indexes.
fn load(path: &str, args: &ExplainArgs) -> Result<Inputs, InputError> {
    let mut objects = input::objects(path)?;
    let name = input::display_name(path);
    let pod = pick_pod(&mut objects, name, args.pod_name.as_deref())?;
    let mut secrets: Vec<(String, KubeSecret)> = std::mem::take(&mut objects.secrets)
        .into_iter()
        .map(|s| (name.to_owned(), s))
        .collect();
    for file in &args.secrets {
        for secret in crate::credentials::read_secrets(file)? {
            secrets.push((input::display_name(file).to_owned(), secret));
        }
    }
    let mut service_account = objects.service_account(&pod).cloned();
    if let Some(file) = &args.service_account {
        let given = input::objects(file)?;
        let wanted = pod.service_account_name();
        let found = given.service_account(&pod).cloned();
        let Some(account) = found else {
            let names: Vec<&str> = given
                .service_accounts
                .iter()
                .map(|a| a.metadata.name.as_str())
                .collect();
            return Err(InputError(format!(
                "{}: the pod runs as ServiceAccount {wanted:?}, and the file holds {}",
                input::display_name(file),
                if names.is_empty() {
                    "no ServiceAccount".to_owned()
                } else {
                    format!("only {}", names.join(", "))
                }
            )));
        };
        service_account = Some(account);
    }
    let node_config = match &args.node_config {
        Some(file) => Some((file.clone(), input::read(file)?)),
        None => None,
    };
    let mut indexes = Vec::new();
    for (image, file) in &args.indexes {
        indexes.push((image.clone(), file.clone(), input::read(file)?.to_vec()));
    }
    Ok(Inputs {
        pod,
        service_account,
        secrets,
        node_config,
        provider_responses: args.provider_responses.clone(),
        present: args.present.clone(),
        indexes,
    })
}

fn pick_pod(objects: &mut Objects, file: &str, name: Option<&str>) -> Result<Pod, InputError> {
    let names = || {
        objects
            .pods
            .iter()
            .map(|p| p.metadata.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let position = match name {
        Some(wanted) => objects
            .pods
            .iter()
            .position(|p| p.metadata.name == wanted)
            .ok_or_else(|| {
                InputError(format!(
                    "{file}: no pod named {wanted:?} (it has: {})",
                    names()
                ))
            })?,
        None if objects.pods.len() == 1 => 0,
        None if objects.pods.is_empty() => {
            return Err(InputError(format!(
                "{file}: no Pod in the input (found {})",
                found_kinds(objects)
            )));
        }
        None => {
            return Err(InputError(format!(
                "{file}: {} pods in the input ({}); choose one with --pod NAME",
                objects.pods.len(),
                names()
            )));
        }
    };
    Ok(objects.pods.swap_remove(position))
}

fn found_kinds(objects: &Objects) -> String {
    let mut kinds: Vec<String> = Vec::new();
    if !objects.service_accounts.is_empty() {
        kinds.push(format!(
            "{} ServiceAccount(s)",
            objects.service_accounts.len()
        ));
    }
    if !objects.secrets.is_empty() {
        kinds.push(format!("{} Secret(s)", objects.secrets.len()));
    }
    kinds.extend(objects.other_kinds.iter().cloned());
    if kinds.is_empty() {
        "nothing".to_owned()
    } else {
        kinds.join(", ")
    }
}

/// Explains `inputs` for a node of `platform`, probing each image when `probe` is set.
///
/// # Errors
///
/// A provider response file cannot be read, or the keyring cannot be built (a malformed
/// pull secret fails every pull of the pod, as in the kubelet).
pub fn explain(
    inputs: &Inputs,
    platform: &Platform,
    probe: Option<&ProbeOptions>,
) -> Result<Report, InputError> {
    let secrets: Vec<KubeSecret> = inputs.secrets.iter().map(|(_, s)| s.clone()).collect();
    // The library's plan: pod secrets, then the node file, then plugin answers.
    let mut builder = PullPlan::builder(&inputs.pod)
        .service_account(inputs.service_account.as_ref())
        .secrets(&secrets);
    if let Some((name, bytes)) = &inputs.node_config {
        if let Some(config) = credentials::node_config(name, bytes) {
            builder = builder.node_config(name, &config);
        }
    }
    for file in &inputs.provider_responses {
        if let Some((name, config)) = credentials::provider_response(file)? {
            builder = builder.provider(&name, &config);
        }
    }
    let plan = builder.build().map_err(|e| InputError(e.to_string()))?;
    let missing = plan.missing_pull_secrets().to_vec();
    let warning = failed_pull_secrets_event(missing.iter().map(String::as_str))
        .map(|event| format!("{} {}: {}", event.event_type, event.reason, event.message));

    let mut lint_lines = Vec::new();
    for (file, secret) in &inputs.secrets {
        lint_lines.extend(LintLine::all(file, lint_secret(secret)));
    }
    if let Some((name, bytes)) = &inputs.node_config {
        lint_lines.extend(LintLine::all(name, lint(bytes)));
    }

    let runtime = probe.map(|_| probe::runtime()).transpose()?;
    let mut probed: HashMap<String, Probe> = HashMap::new();
    let mut images = Vec::new();
    for image in plan.images() {
        let mut report = explain_image(inputs, &plan, platform, image);
        if let (Some(options), Some(runtime), Ok(reference)) = (probe, &runtime, &image.reference) {
            if report.policy.as_deref() != Some("Never") {
                let result = probed.entry(reference.to_string()).or_insert_with(|| {
                    let candidates = plan.credentials(image);
                    runtime.block_on(probe::probe(reference, &candidates, options))
                });
                report.probe = Some(result.clone());
            }
        }
        images.push(report);
    }
    let pod = &inputs.pod;
    Ok(Report {
        pod: format!("{}/{}", pod.metadata.namespace, pod.metadata.name),
        service_account: plan.service_account().to_owned(),
        service_account_given: plan.service_account_given(),
        pull_secrets: plan.pull_secrets().to_vec(),
        pull_secrets_from: plan.pull_secrets_from().as_str(),
        missing_pull_secrets: missing,
        warning,
        node_config: inputs.node_config.as_ref().map(|(name, _)| name.clone()),
        lint: lint_lines,
        images,
    })
}

fn explain_image(
    inputs: &Inputs,
    plan: &PullPlan,
    platform: &Platform,
    image: &PlannedImage,
) -> ImageReport {
    let present = inputs.present.iter().any(|p| {
        p == &image.image
            || image
                .reference
                .as_ref()
                .is_ok_and(|r| Reference::parse(p).is_ok_and(|q| q == *r))
    });
    let mut report = ImageReport {
        path: image.field_path.clone(),
        name: image.name.clone(),
        image: image.image.clone(),
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
        cloud_hint: None,
        probe: None,
    };
    let policy = match &image.pull_policy {
        Ok(p) => *p,
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    report.policy = Some(policy.policy.to_string());
    report.defaulted = policy.defaulted;
    let outcome = |presence: Presence| {
        let decision = decide(
            &image.image,
            policy.policy,
            &presence,
            &Verification::Disabled,
        );
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
    let reference = match &image.reference {
        Ok(r) => r,
        Err(e) => {
            report.error = Some(e.to_string());
            return report;
        }
    };
    report.normalized = Some(reference.to_string());
    report.familiar = Some(reference.familiar().to_owned());
    report.credentials = plan.credentials(image).into_iter().map(Row::new).collect();
    if report.credentials.is_empty() {
        report.cloud_hint = hints::for_domain(reference.domain());
    }
    if let Some((_, file, bytes)) = inputs.indexes.iter().find(|(i, _, _)| *i == image.image) {
        let mut choice = PlatformChoice {
            index: file.clone(),
            wanted: platform.to_string(),
            digest: None,
            error: None,
        };
        match ImageIndex::parse(bytes) {
            Ok(index) => match index.try_select(&Matcher::only(platform)) {
                Ok(d) => choice.digest = Some(d.digest.clone()),
                Err(e) => choice.error = Some(e.to_string()),
            },
            Err(e) => choice.error = Some(format!("{file}: {e}")),
        }
        report.platform = Some(choice);
    }
    report
}

/// Prints `report` and returns the exit code its images call for.
pub fn print(report: &Report, output: Output) -> ExitCode {
    if output.json {
        println!(
            "{}",
            serde_json::to_string_pretty(report).expect("reports serialise")
        );
    } else {
        print_text(report);
    }
    exit::from_success(report.images.iter().all(ImageReport::succeeds))
}

fn print_text(report: &Report) {
    let account = &report.service_account;
    println!("Pod {} (service account {account})", report.pod);
    let list = report.pull_secrets.join(", ");
    match report.pull_secrets_from {
        "pod" => println!("Pull secrets, from the pod spec: {list}"),
        "serviceAccount" => println!(
            "Pull secrets: the pod lists none, so admission gives it its ServiceAccount's: {list}"
        ),
        "unknown" => println!(
            "Pull secrets: the pod lists none. Its ServiceAccount {account} was not given, so \
             whether admission adds its pull secrets is unknown (give it with \
             --service-account, or in the input). A pod read from the cluster already holds \
             them: then it has none."
        ),
        _ => println!("Pull secrets: none (neither the pod nor its ServiceAccount lists any)"),
    }
    if let Some(warning) = &report.warning {
        println!("  {warning}");
    }
    if let Some(node) = &report.node_config {
        const KUBELET_PATH: &str = "/var/lib/kubelet/config.json";
        if node == KUBELET_PATH {
            println!("Node credentials: {node}");
        } else {
            println!("Node credentials: {node} (read as the kubelet reads {KUBELET_PATH})");
        }
    }
    if !report.lint.is_empty() {
        println!("\nProblems in the credentials:");
        for l in &report.lint {
            let key = l
                .key
                .as_deref()
                .map(|k| format!(" [{k}]"))
                .unwrap_or_default();
            println!("  {}{key}: {}", l.file, l.message);
        }
    }
    for image in &report.images {
        print_image(image);
    }
}

fn print_image(image: &ImageReport) {
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
        return;
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
    if let Some(hint) = &image.cloud_hint {
        println!(
            "  cloud         {}: the kubelet gets credentials from the {} plugin \
             (matchImages {}); the node needs {}",
            hint.registry,
            hint.plugin,
            hint.match_images.join(", "),
            hint.needs
        );
    }
    if let Some(p) = &image.platform {
        match (&p.digest, &p.error) {
            (Some(d), _) => println!("  platform      {} selects {d} from {}", p.wanted, p.index),
            (_, Some(e)) => println!("  platform      {}: {e}", p.wanted),
            _ => {}
        }
    }
    if let Some(result) = &image.probe {
        println!("  probe         {}", result.result.describe());
        for line in probe::text_lines(result) {
            println!("                {line}");
        }
    }
}
