//! `kubepull policy IMAGE [--policy P] [--present] [--always-pull-images] [--json]`: the pull
//! policy a container gets and what the kubelet then does with its image.
//!
//! * The policy is `--policy` when given (as if set in the pod), otherwise the API server's
//!   default for the image (`defaulted: true`).
//! * `--always-pull-images` applies the `AlwaysPullImages` admission plugin, which sets
//!   `Always` whatever the field held; the policy is then not the defaulted one
//!   (`defaulted: false`).
//! * `--present` says the image is already on the node (otherwise it is absent). Credential
//!   verification (KEP-2535) is off: presence alone decides.
//!
//! JSON: `{"image":S,"policy":P,"defaulted":bool,"action":"pull"|"use-local"|"fail","error":S?}`,
//! `error` (the kubelet's message) only when the action is `fail`. Exit status 0 whenever a
//! decision was made (including `fail`), 2 for a usage error.

use std::process::ExitCode;

use kubepull::policy::{
    AdmissionRequest, AlwaysPullImages, Container, Decision, DefaultedPullPolicy, Operation, Pod,
    Presence, PullPolicy, Verification, decide,
};
use serde::Serialize;

use super::common::usage_error;

const USAGE: &str = "usage: kubepull policy IMAGE [--policy Always|IfNotPresent|Never] [--present] [--always-pull-images] [--json]";

#[derive(Serialize)]
struct Output<'a> {
    image: &'a str,
    policy: &'static str,
    defaulted: bool,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

struct Args {
    image: String,
    policy: Option<String>,
    present: bool,
    always_pull_images: bool,
    json: bool,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        image: String::new(),
        policy: None,
        present: false,
        always_pull_images: false,
        json: false,
    };
    let mut image = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--present" => parsed.present = true,
            "--always-pull-images" => parsed.always_pull_images = true,
            "--json" => parsed.json = true,
            "--policy" => {
                let value = iter.next().ok_or("--policy needs a value")?;
                parsed.policy = Some(value.clone());
            }
            a if a.starts_with("--policy=") => {
                parsed.policy = Some(a["--policy=".len()..].to_owned())
            }
            a if a.starts_with("--") => return Err(format!("unknown option {a}")),
            a => {
                if image.replace(a.to_owned()).is_some() {
                    return Err("exactly one IMAGE expected".to_owned());
                }
            }
        }
    }
    parsed.image = image.ok_or("IMAGE missing")?;
    Ok(parsed)
}

/// Runs the subcommand.
pub fn run(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let args = match parse_args(args) {
        Ok(args) => args,
        Err(message) => return usage_error(&format!("policy: {message}\n{USAGE}")),
    };
    let explicit = match args
        .policy
        .as_deref()
        .map(|p| PullPolicy::parse_field(p, "--policy"))
    {
        None => None,
        Some(Ok(policy)) => Some(policy),
        Some(Err(e)) => return usage_error(&format!("policy: {e}")),
    };
    let mut defaulted = DefaultedPullPolicy::new(&args.image, explicit);
    if args.always_pull_images {
        defaulted = admit(&args.image, defaulted);
    }
    let presence = if args.present {
        Presence::Present
    } else {
        Presence::Absent
    };
    let decision = decide(
        &args.image,
        defaulted.policy,
        &presence,
        &Verification::Disabled,
    );
    let output = Output {
        image: &args.image,
        policy: defaulted.policy.as_str(),
        defaulted: defaulted.defaulted,
        action: decision.action().as_str(),
        error: decision.error().map(ToString::to_string),
    };
    if args.json {
        match serde_json::to_string(&output) {
            Ok(line) => println!("{line}"),
            Err(e) => return usage_error(&format!("policy: {e}")),
        }
    } else {
        print_human(&output, &decision);
    }
    ExitCode::SUCCESS
}

/// Runs the admission plugin on a one-container pod, as the API server would on create.
fn admit(image: &str, defaulted: DefaultedPullPolicy) -> DefaultedPullPolicy {
    let mut pod = Pod::default();
    pod.spec
        .containers
        .push(Container::new("main", image, defaulted.policy.as_str()));
    let request = AdmissionRequest::pods(Operation::Create, "");
    // A pod on the pods resource is never rejected by the mutating half.
    let _ = AlwaysPullImages.admit(&request, Some(&mut pod), None);
    let policy = pod.spec.containers[0]
        .image_pull_policy
        .parse()
        .unwrap_or(defaulted.policy);
    DefaultedPullPolicy {
        policy,
        defaulted: false,
    }
}

fn print_human(output: &Output<'_>, decision: &Decision) {
    let how = if output.defaulted { " (defaulted)" } else { "" };
    println!("image:   {}", output.image);
    println!("policy:  {}{how}", output.policy);
    println!("action:  {}", output.action);
    if let Some(error) = decision.error() {
        println!("error:   {}: {error}", error.kind());
    }
    if let Some(event) = decision.event() {
        println!(
            "event:   {} {}: {}",
            event.event_type, event.reason, event.message
        );
    }
}
