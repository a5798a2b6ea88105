//! `kubepull policy IMAGE`: the pull policy the API server gives a container and what the
//! kubelet then does.

use std::process::ExitCode;

use clap::Args;
use kubepull::policy::{
    AdmissionRequest, AlwaysPullImages, Container, Decision, DefaultedPullPolicy, Operation, Pod,
    Presence, PullPolicy, Verification, decide,
};
use serde::Serialize;

use crate::{InputError, Output, exit};

/// `kubepull policy`.
#[derive(Args)]
pub struct PolicyArgs {
    /// The image, as a pod names it.
    pub image: String,
    /// The container's imagePullPolicy; unset, the API server defaults it.
    #[arg(long, value_name = "Always|IfNotPresent|Never")]
    pub policy: Option<String>,
    /// The image is already on the node.
    #[arg(long)]
    pub present: bool,
    /// The AlwaysPullImages admission plugin is enabled.
    #[arg(long)]
    pub always_pull_images: bool,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Serialize)]
struct Report<'a> {
    image: &'a str,
    policy: &'static str,
    defaulted: bool,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// Runs `kubepull policy`.
///
/// # Errors
///
/// `--policy` is not a pull policy (the API server's error text).
pub fn run(args: &PolicyArgs) -> Result<ExitCode, InputError> {
    let explicit = args
        .policy
        .as_deref()
        .map(|p| PullPolicy::parse_field(p, "--policy"))
        .transpose()
        .map_err(|e| InputError(e.to_string()))?;
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
    let report = Report {
        image: &args.image,
        policy: defaulted.policy.as_str(),
        defaulted: defaulted.defaulted,
        action: decision.action().as_str(),
        error: decision.error().map(ToString::to_string),
    };
    if args.output.json {
        println!("{}", serde_json::to_string(&report).expect("serialises"));
    } else {
        print_text(&report, &decision);
    }
    Ok(exit::from_success(decision.error().is_none()))
}

/// The policy after the AlwaysPullImages plugin's mutation of a pod with this container.
fn admit(image: &str, defaulted: DefaultedPullPolicy) -> DefaultedPullPolicy {
    let mut pod = Pod::default();
    pod.spec
        .containers
        .push(Container::new("main", image, defaulted.policy.as_str()));
    let request = AdmissionRequest::pods(Operation::Create, "");
    // A pod-shaped request is never refused.
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

fn print_text(report: &Report<'_>, decision: &Decision) {
    let how = if report.defaulted { " (defaulted)" } else { "" };
    println!("image:   {}", report.image);
    println!("policy:  {}{how}", report.policy);
    println!("action:  {}", report.action);
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
