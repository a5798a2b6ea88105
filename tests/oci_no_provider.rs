//! Feature `oci-client-no-provider` without a crypto provider: building a client is an error
//! that says what to do, never reqwest's panic. (Under `oci-client`, which brings a provider,
//! this file is empty; CI builds it alone: see `.ci/run`.)
#![cfg(all(feature = "oci-client-no-provider", not(feature = "oci-client")))]

use kubepull::oci::Puller;
use kubepull::oci::oci_client::client::{ClientConfig, ClientProtocol};

fn plain_http() -> ClientConfig {
    ClientConfig {
        protocol: ClientProtocol::Http,
        ..ClientConfig::default()
    }
}

#[test]
fn a_client_without_provider_is_an_error_that_says_what_to_do() {
    assert!(kubepull::oci::rustls::crypto::CryptoProvider::get_default().is_none());
    let Err(error) = Puller::new(plain_http).client() else {
        panic!("a client was built without a crypto provider");
    };
    let text = error.to_string();
    assert!(
        text.contains("no rustls crypto provider is installed"),
        "{text}"
    );
    assert!(text.contains("feature `oci-client`"), "{text}");
}

#[tokio::test]
async fn every_attempt_fails_with_that_error_instead_of_panicking() {
    let image: kubepull::Reference = "127.0.0.1:9/team/app:v1".parse().unwrap();
    let error = Puller::new(plain_http)
        .fetch_manifest_digest(&image, &[])
        .await
        .unwrap_err();
    assert_eq!(error.attempts().len(), 1);
    assert!(
        error.attempts()[0]
            .message()
            .contains("no rustls crypto provider is installed"),
        "{error}"
    );
}
