//! The bundled demo, built into the binary so that it runs anywhere: a pod whose
//! ServiceAccount supplies two pull secrets (one of each type), the node's config.json, a
//! multi-arch index for one image, on a linux/arm64 node where one image is present.

use std::process::ExitCode;

use kubepull::platform::Platform;
use kubepull::pod::Objects;
use zeroize::Zeroizing;

use crate::explain::{self, Inputs};
use crate::{Output, exit};

const POD: &[u8] = include_bytes!("../demo/pod.json");
const SERVICE_ACCOUNT: &[u8] = include_bytes!("../demo/serviceaccount.json");
const REGCRED: &[u8] = include_bytes!("../demo/regcred.secret.json");
const LEGACY_CFG: &[u8] = include_bytes!("../demo/legacy-cfg.secret.json");
const NODE_CONFIG: &[u8] = include_bytes!("../demo/node-config.json");
const INDEX: &[u8] = include_bytes!("../demo/index.json");

/// The demo's node: arm64, so the index shows a choice.
const PLATFORM: &str = "linux/arm64";
/// Where the demo's node file is, as the kubelet would read it.
const NODE_CONFIG_PATH: &str = "/var/lib/kubelet/config.json";
/// The demo's image with an index.
const INDEXED_IMAGE: &str = "registry.example.com/shop/web:1.4.2";
/// The image already on the demo's node.
const PRESENT: &str = "quay.io/acme/metrics:v2";

/// `kubepull` with no arguments: the tour.
pub fn run() -> ExitCode {
    println!("kubepull demo: what the kubelet does with the images of a demo pod, its");
    println!("ServiceAccount's two pull secrets (one kubernetes.io/dockerconfigjson, one legacy");
    println!("kubernetes.io/dockercfg), the node's config.json and a multi-arch index, on a");
    println!("linux/arm64 node where only {PRESENT} is already present. Passwords are never");
    println!(
        "printed. Run `kubepull --help` for the commands, `kubepull explain --json` for JSON.\n"
    );
    explain(Output::default())
}

/// `kubepull explain` with no input: the demo, in text or JSON.
pub fn explain(output: Output) -> ExitCode {
    let report = inputs().and_then(|inputs| {
        let platform = Platform::parse(PLATFORM, &Platform::new("linux", "amd64"))
            .map_err(|e| e.to_string())?;
        explain::explain(&inputs, &platform, None).map_err(|e| e.to_string())
    });
    match report {
        Ok(report) => explain::print(&report, output),
        Err(error) => {
            // The demo is built in: failing to read it is a bug.
            eprintln!("kubepull: the bundled demo is broken: {error}");
            ExitCode::from(exit::USAGE)
        }
    }
}

fn inputs() -> Result<Inputs, String> {
    let read = |bytes: &[u8]| Objects::from_json(bytes).map_err(|e| e.to_string());
    let pod = read(POD)?.pods.pop().ok_or("no pod")?;
    let service_account = read(SERVICE_ACCOUNT)?.service_accounts.pop();
    let mut secrets = Vec::new();
    for (name, bytes) in [
        ("regcred.secret.json", REGCRED),
        ("legacy-cfg.secret.json", LEGACY_CFG),
    ] {
        for secret in read(bytes)?.secrets {
            secrets.push((name.to_owned(), secret));
        }
    }
    Ok(Inputs {
        pod,
        service_account,
        secrets,
        node_config: Some((
            NODE_CONFIG_PATH.to_owned(),
            Zeroizing::new(NODE_CONFIG.to_vec()),
        )),
        provider_responses: Vec::new(),
        present: vec![PRESENT.to_owned()],
        indexes: vec![(
            INDEXED_IMAGE.to_owned(),
            "index.json".to_owned(),
            INDEX.to_vec(),
        )],
    })
}
