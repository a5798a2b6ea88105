//! Conformance tests for `kubepull::platform`, table-driven from `tests/data/platform/`:
//! containerd/platforms (specifiers, normalisation, format, matchers, ordering), docker/cli and
//! docker/distribution (manifest list parsing, building, annotate) and Kubernetes' legacy
//! `-$(ARCH)` names (spec §1).

use std::fs;
use std::path::PathBuf;

use kubepull::Reference;
use kubepull::platform::{
    self, Annotation, Descriptor, ImageIndex, MAX_INDEX_BYTES, Matcher, Platform,
    PlatformErrorKind, PlatformObject,
};
use serde_json::Value;

fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/platform")
        .join(name)
}

fn jsonl(name: &str) -> Vec<Value> {
    let text = fs::read_to_string(data_path(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let rows: Vec<Value> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(!rows.is_empty(), "{name} is empty");
    rows
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {v}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| a.iter().map(|x| x.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

/// A platform written with the Rust field names.
fn platform_fields(v: &Value) -> Platform {
    Platform {
        os: s(v, "os").to_owned(),
        architecture: s(v, "architecture").to_owned(),
        variant: v["variant"].as_str().unwrap_or("").to_owned(),
        os_version: v["os_version"].as_str().unwrap_or("").to_owned(),
        os_features: strings(&v["os_features"]),
        features: Vec::new(),
    }
}

fn spec(text: &str) -> Platform {
    text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn error_kind(name: &str) -> PlatformErrorKind {
    match name {
        "Wildcard" => PlatformErrorKind::Wildcard,
        "InvalidOsComponent" => PlatformErrorKind::InvalidOsComponent,
        "InvalidComponent" => PlatformErrorKind::InvalidComponent,
        "InvalidOsOption" => PlatformErrorKind::InvalidOsOption,
        "UnknownOsOrArchitecture" => PlatformErrorKind::UnknownOsOrArchitecture,
        "TooManyComponents" => PlatformErrorKind::TooManyComponents,
        "InvalidJson" => PlatformErrorKind::InvalidJson,
        "ExpectedIndex" => PlatformErrorKind::ExpectedIndex,
        "WrongMediaType" => PlatformErrorKind::WrongMediaType,
        "UnsupportedSchemaVersion" => PlatformErrorKind::UnsupportedSchemaVersion,
        other => panic!("unknown kind {other}"),
    }
}

fn matcher(kind: &str, platforms: &[Platform]) -> Matcher {
    match kind {
        "exact" => Matcher::exact(&platforms[0]),
        "only" => Matcher::only(&platforms[0]),
        "only_strict" => Matcher::only_strict(&platforms[0]),
        "only_os" => Matcher::only_os(&platforms[0]),
        "ordered" => Matcher::ordered(platforms),
        "any" => Matcher::any(platforms),
        "all" => Matcher::all(),
        other => panic!("unknown matcher {other}"),
    }
}

fn index_file(name: &str) -> ImageIndex {
    let bytes = fs::read(data_path(&format!("index/{name}"))).unwrap();
    ImageIndex::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

// ---- assertions, one per kind ----

fn assert_parses(row: &Value) {
    let input = s(row, "input");
    let host = spec(s(row, "host"));
    let parsed = Platform::parse(input, &host).unwrap_or_else(|e| panic!("{input}: {e}"));
    assert_eq!(parsed, platform_fields(&row["expect"]), "{input}");
    assert_eq!(parsed.format(), s(row, "format"), "Format({input})");
    assert_eq!(
        parsed.to_string(),
        s(row, "format_all"),
        "FormatAll({input})"
    );
    // Re-parsing the formatted output is stable (containerd's round-trip check).
    let reparsed = Platform::parse(&parsed.to_string(), &host).unwrap();
    assert_eq!(reparsed.to_string(), parsed.to_string(), "{input}");
    // NewMatcher(parsed) matches the expectation and the listed spellings.
    let exact = Matcher::exact(&parsed);
    assert!(exact.matches(&platform_fields(&row["expect"])), "{input}");
    for m in row["matches"].as_array().unwrap() {
        assert!(
            exact.matches(&platform_fields(m)),
            "{input} should match {m}"
        );
    }
    // FromStr agrees whenever the specifier does not need the host.
    if input.contains('/') {
        assert_eq!(input.parse::<Platform>().unwrap(), parsed, "{input}");
    } else if let Err(e) = input.parse::<Platform>() {
        assert_eq!(e.kind(), PlatformErrorKind::NeedsHost, "{input}");
    }
}

fn assert_parse_error(row: &Value) {
    let input = s(row, "input");
    let host = Platform::new("linux", "amd64");
    let err = Platform::parse(input, &host).expect_err(input);
    assert_eq!(err.to_string(), s(row, "error"), "{input:?}");
    assert_eq!(err.kind(), error_kind(s(row, "kind")), "{input:?}");
    let err = input.parse::<Platform>().expect_err(input);
    assert_eq!(err.to_string(), s(row, "error"), "FromStr {input:?}");
    let all = Platform::parse_all(&["linux/amd64", input], &host).expect_err(input);
    assert_eq!(
        all.to_string(),
        format!("invalid platform {input}: {}", s(row, "error"))
    );
}

fn assert_matches(row: &Value) {
    let p = spec(s(row, "platform"));
    let m = matcher(s(row, "matcher"), std::slice::from_ref(&p));
    for yes in strings(&row["matches"]) {
        assert!(
            m.matches(&spec(&yes)),
            "{} {} should match {yes}",
            s(row, "matcher"),
            s(row, "platform")
        );
    }
    for no in strings(&row["does_not_match"]) {
        assert!(
            !m.matches(&spec(&no)),
            "{} {} should not match {no}",
            s(row, "matcher"),
            s(row, "platform")
        );
    }
}

fn assert_sorts(row: &Value) {
    let platforms: Vec<Platform> = strings(&row["platforms"]).iter().map(|p| spec(p)).collect();
    let m = matcher(s(row, "matcher"), &platforms);
    let mut input: Vec<Platform> = strings(&row["input"]).iter().map(|p| spec(p)).collect();
    m.sort(&mut input);
    let got: Vec<String> = input.iter().map(ToString::to_string).collect();
    assert_eq!(got, strings(&row["sorted"]), "{row}");
}

fn assert_selects(row: &Value) {
    let index = index_file(s(row, "index"));
    let m = matcher(s(row, "matcher"), &[spec(s(row, "platform"))]);
    let got = index.select(&m).map(|d| d.digest.clone());
    assert_eq!(got.as_deref(), row["digest"].as_str(), "{row}");
    // select agrees with the head of the platformed candidates (containerd's sort).
    let first = index
        .candidates(&m)
        .into_iter()
        .find(|d| d.platform.is_some())
        .map(|d| d.digest.clone());
    assert_eq!(first, got, "{row}");
    match index.try_select(&m) {
        Ok(d) => assert_eq!(Some(&d.digest), got.as_ref()),
        Err(e) => {
            assert!(got.is_none());
            assert_eq!(e.kind(), PlatformErrorKind::NoMatch);
            assert_eq!(
                e.to_string(),
                "no match for platform in manifest: not found"
            );
        }
    }
}

fn assert_index_body(row: &Value) {
    let body = s(row, "body").as_bytes();
    let result = match row["content_type"].as_str() {
        Some(ct) => ImageIndex::parse_with_media_type(body, ct),
        None => ImageIndex::parse(body),
    };
    match row["error"].as_str() {
        Some(expected) => {
            let err = result.expect_err(expected);
            assert_eq!(err.to_string(), expected, "{row}");
            assert_eq!(err.kind(), error_kind(s(row, "kind")), "{row}");
        }
        None => {
            let index = result.unwrap_or_else(|e| panic!("{row}: {e}"));
            assert_eq!(index.schema_version, 2);
        }
    }
}

fn assert_annotates(row: &Value) {
    let a = &row["annotation"];
    let annotation = Annotation {
        os: a["os"].as_str().unwrap_or("").to_owned(),
        architecture: a["architecture"].as_str().unwrap_or("").to_owned(),
        os_version: a["os_version"].as_str().unwrap_or("").to_owned(),
        os_features: strings(&a["os_features"]),
        variant: a["variant"].as_str().unwrap_or("").to_owned(),
    };
    let before: Option<Platform> =
        (!row["before"].is_null()).then(|| docker_platform(&row["before"]));
    let mut descriptor = Descriptor {
        platform: before.clone(),
        ..Descriptor::default()
    };
    match row["error"].as_str() {
        Some(expected) => {
            let err = annotation.apply(before.as_ref()).expect_err(expected);
            assert_eq!(err.to_string(), expected);
            assert_eq!(err.kind(), PlatformErrorKind::UnsupportedOsArch);
            assert!(descriptor.annotate(&annotation).is_err());
            assert_eq!(
                descriptor.platform, before,
                "a failed annotate leaves the descriptor alone"
            );
        }
        None => {
            let after = annotation.apply(before.as_ref()).unwrap();
            assert_eq!(
                serde_json::to_value(PlatformObject(&after)).unwrap(),
                row["after"],
                "{row}"
            );
            let json = serde_json::to_string(&PlatformObject(&after)).unwrap();
            let order = [
                "\"architecture\"",
                "\"os\"",
                "\"os.version\"",
                "\"os.features\"",
                "\"variant\"",
                "\"features\"",
            ];
            let positions: Vec<usize> = order.iter().filter_map(|k| json.find(k)).collect();
            assert!(
                positions.windows(2).all(|w| w[0] < w[1]),
                "docker's key order: {json}"
            );
            descriptor.annotate(&annotation).unwrap();
            assert_eq!(descriptor.platform, Some(after));
        }
    }
}

/// A platform written as docker's JSON object.
fn docker_platform(v: &Value) -> Platform {
    let body = format!(r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"x","platform":{v}}}]}}"#);
    ImageIndex::parse(body.as_bytes()).unwrap().manifests[0]
        .platform
        .clone()
        .unwrap()
}

fn reference(text: &str) -> Reference {
    Reference::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn assert_legacy(row: &Value) {
    let image = reference(s(row, "image"));
    match s(row, "kind") {
        "suffixed" => match row["error"].as_str() {
            Some(expected) => {
                let err = platform::arch_suffixed(&image, s(row, "arch")).expect_err(expected);
                assert_eq!(err.to_string(), expected);
                assert_eq!(err.kind(), PlatformErrorKind::LegacyName);
            }
            None => {
                let suffixed = platform::arch_suffixed(&image, s(row, "arch")).unwrap();
                assert_eq!(suffixed.to_string(), s(row, "suffixed"));
                let back = platform::split_arch_suffix(&suffixed);
                if row["readBack"] == false {
                    assert_eq!(back, None, "{row}");
                } else {
                    let back = back.unwrap_or_else(|| panic!("suffix read back: {row}"));
                    let generic = row["generic"].as_str().map(reference);
                    assert_eq!(back.image, generic.unwrap_or(image), "{row}");
                }
            }
        },
        "split" => {
            let got = platform::split_arch_suffix(&image);
            match row["generic"].as_str() {
                None => assert_eq!(got, None, "{row}"),
                Some(generic) => {
                    let got = got.unwrap_or_else(|| panic!("{row}"));
                    assert_eq!(got.image.to_string(), generic);
                    assert_eq!(got.os, s(row, "os"));
                    assert_eq!(got.architecture, s(row, "arch"));
                }
            }
        }
        "tagged" => {
            let tagged = platform::os_arch_tagged(
                &image,
                s(row, "os"),
                s(row, "arch"),
                row["os_version"].as_str(),
            )
            .unwrap();
            assert_eq!(tagged.to_string(), s(row, "tagged"));
        }
        other => panic!("{other}"),
    }
}

// ---- tables ----

#[test]
fn containerd_parse_vectors() {
    let rows = jsonl("parse.jsonl");
    let (mut ok, mut err) = (0, 0);
    for row in &rows {
        if row.get("error").is_some() {
            assert_parse_error(row);
            err += 1;
        } else {
            assert_parses(row);
            ok += 1;
        }
    }
    assert!(ok >= 40 && err >= 15, "{ok} {err}");
}

#[test]
fn containerd_format_all_vectors() {
    for row in jsonl("format_all.jsonl") {
        let p = platform_fields(&row["platform"]);
        assert_eq!(p.to_string(), s(&row, "format_all"), "{row}");
        if !p.os.is_empty() && !p.architecture.is_empty() {
            let back: Platform = p.to_string().parse().unwrap();
            assert_eq!(back.os_version, p.os_version, "{row}");
            assert_eq!(back.normalize().os_features, {
                let mut f: Vec<String> = p
                    .os_features
                    .iter()
                    .filter(|f| !f.is_empty())
                    .cloned()
                    .collect();
                f.sort();
                f.dedup();
                f
            });
        }
    }
}

#[test]
fn containerd_normalize_vectors() {
    for row in jsonl("normalize.jsonl") {
        let input = platform_fields(&row["input"]);
        assert_eq!(
            input.normalize(),
            platform_fields(&row["normalized"]),
            "{row}"
        );
        // Normalize is idempotent.
        assert_eq!(input.normalize().normalize(), input.normalize());
    }
    let empty_os = Platform::new("", "amd64");
    assert_eq!(empty_os.normalize_with_host_os("linux").os, "linux");
}

#[test]
fn containerd_match_vectors() {
    let rows = jsonl("match.jsonl");
    assert!(rows.len() >= 35);
    for row in &rows {
        assert_matches(row);
    }
}

#[test]
fn containerd_order_vectors() {
    for row in jsonl("order.jsonl") {
        assert_sorts(&row);
    }
}

#[test]
fn select_vectors() {
    let rows = jsonl("select.jsonl");
    assert!(rows.len() >= 30);
    for row in &rows {
        assert_selects(row);
    }
}

#[test]
fn candidate_order_vectors() {
    for row in jsonl("candidates.jsonl") {
        let index = index_file(s(&row, "index"));
        let m = matcher(s(&row, "matcher"), &[spec(s(&row, "platform"))]);
        let got: Vec<String> = index
            .candidates(&m)
            .iter()
            .map(|d| d.digest.clone())
            .collect();
        assert_eq!(got, strings(&row["digests"]), "{}", row["names"]);
    }
}

#[test]
fn index_parse_vectors() {
    for row in jsonl("index-errors.jsonl") {
        assert_index_body(&row);
    }
}

#[test]
fn docker_annotate_vectors() {
    for row in jsonl("annotate.jsonl") {
        assert_annotates(&row);
    }
}

#[test]
fn legacy_arch_name_vectors() {
    for row in jsonl("legacy.jsonl") {
        assert_legacy(&row);
    }
}

// ---- single behaviours ----

#[test]
fn raw_windows_os_decides_the_version_check() {
    // NewMatcher looks at the OS as given: "Windows" normalises to windows but gets no
    // OS-version check (containerd platforms.go NewMatcher).
    let upper = Platform::new("Windows", "amd64").with_os_version("10.0.17763");
    assert!(Matcher::exact(&upper).matches(&spec("windows(10.0.20348)/amd64")));
    let lower = Platform::new("windows", "amd64").with_os_version("10.0.17763");
    assert!(!Matcher::exact(&lower).matches(&spec("windows(10.0.20348)/amd64")));
}

#[test]
fn empty_os_uses_the_given_host_os() {
    let candidate = Platform::new("", "amd64");
    let host = spec("linux/amd64");
    assert!(!Matcher::only(&host).matches(&candidate));
    assert!(
        Matcher::only(&host)
            .with_host_os("linux")
            .matches(&candidate)
    );
    assert!(
        !Matcher::only(&host)
            .with_host_os("windows")
            .matches(&candidate)
    );
}

#[test]
fn only_vector_is_containerds() {
    let got: Vec<String> = Matcher::only(&spec("linux/arm64/v9.2"))
        .platforms()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        got,
        [
            "linux/arm64/v9.2",
            "linux/arm64/v9.1",
            "linux/arm64/v9",
            "linux/arm64/v8.7",
            "linux/arm64/v8.6",
            "linux/arm64/v8.5",
            "linux/arm64/v8.4",
            "linux/arm64/v8.3",
            "linux/arm64/v8.2",
            "linux/arm64/v8.1",
            "linux/arm64/v8",
            "linux/arm/v8",
            "linux/arm/v7",
            "linux/arm/v6",
            "linux/arm/v5",
        ]
    );
}

#[test]
fn docker_list_round_trips_byte_for_byte() {
    let text = fs::read_to_string(data_path("index/docker-list.json")).unwrap();
    let index = ImageIndex::parse(text.as_bytes()).unwrap();
    assert!(index.is_docker_manifest_list());
    assert_eq!(
        index.manifests[1].platform.as_ref().unwrap().features,
        ["sse4"]
    );
    assert_eq!(index.to_json_pretty() + "\n", text);
    assert_eq!(
        ImageIndex::parse(index.to_json().as_bytes()).unwrap(),
        index
    );
}

#[test]
fn from_descriptors_matches_docker_inspect_golden() {
    let golden = fs::read_to_string(data_path("index/inspect-manifest-list.golden")).unwrap();
    let member = Descriptor {
        media_type: platform::media_type::DOCKER_MANIFEST.to_owned(),
        size: 528,
        digest: "sha256:7328f6f8b41890597575cbaadc884e7386ae0acc53b747401ebce5cf0d62abcd"
            .to_owned(),
        platform: Some(Platform::new("linux", "amd64")),
        ..Descriptor::default()
    };
    let list = ImageIndex::from_descriptors(vec![member.clone(), member.clone()]);
    assert_eq!(list.media_type, platform::media_type::DOCKER_MANIFEST_LIST);
    assert_eq!(list.to_json_pretty() + "\n", golden);

    let oci = Descriptor {
        media_type: platform::media_type::OCI_MANIFEST.to_owned(),
        ..member.clone()
    };
    assert_eq!(
        ImageIndex::from_descriptors(vec![oci.clone(), member.clone()]).media_type,
        platform::media_type::OCI_INDEX
    );
    assert_eq!(
        ImageIndex::from_descriptors(vec![member, oci]).media_type,
        platform::media_type::DOCKER_MANIFEST_LIST
    );
    assert_eq!(
        ImageIndex::from_descriptors(Vec::new()).to_json(),
        r#"{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}"#
    );
}

#[test]
fn json_output_escapes_like_go_and_omits_empty_fields() {
    let mut d = Descriptor {
        media_type: platform::media_type::OCI_MANIFEST.to_owned(),
        digest: "sha256:aa".to_owned(),
        ..Descriptor::default()
    };
    d.annotations
        .insert("z".to_owned(), "<a&b>\u{2028}".to_owned());
    d.annotations.insert("a".to_owned(), "1".to_owned());
    let json = ImageIndex::from_descriptors(vec![d]).to_json();
    assert_eq!(
        json,
        r#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","annotations":{"a":"1","z":"\u003ca\u0026b\u003e\u2028"},"platform":{"architecture":"","os":""}}]}"#
    );
}

#[test]
fn oci_extras_survive_a_round_trip() {
    let body = br#"{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","artifactType":"application/x",
      "manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bb","size":3,"urls":["https://x"],
      "data":"e30=","artifactType":"application/y","platform":{"os":"windows","architecture":"amd64","os.version":"10.0.20348","os.features":["win32k"]}}],
      "subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:cc","size":4},
      "annotations":{"k":"v"}}"#;
    let index = ImageIndex::parse(body).unwrap();
    let again = ImageIndex::parse(index.to_json().as_bytes()).unwrap();
    assert_eq!(again, index);
    assert!(index.to_json().contains(r#""subject":{"mediaType":"application/vnd.oci.image.manifest.v1+json","size":4,"digest":"sha256:cc"}"#));
    assert!(index.to_json().contains(r#""os.version":"10.0.20348","os.features":["win32k"]},"data":"e30=","artifactType":"application/y"}"#));
}

#[test]
fn oversized_and_hostile_bodies_fail_cleanly() {
    let big = vec![b' '; MAX_INDEX_BYTES + 1];
    let err = ImageIndex::parse(&big).unwrap_err();
    assert_eq!(err.kind(), PlatformErrorKind::TooLarge);
    assert_eq!(
        err.to_string(),
        format!(
            "index is {} bytes, more than the limit of 4194304 bytes",
            MAX_INDEX_BYTES + 1
        )
    );
    let deep = "[".repeat(100_000);
    assert_eq!(
        ImageIndex::parse(deep.as_bytes()).unwrap_err().kind(),
        PlatformErrorKind::InvalidJson
    );
    assert_eq!(
        ImageIndex::parse(b"{\"schemaVersion\":2,\"mediaType\":\"\xff\"}")
            .unwrap_err()
            .kind(),
        PlatformErrorKind::InvalidJson
    );
    assert_eq!(
        ImageIndex::parse(b"{\"schemaVersion\":2,\"manif")
            .unwrap_err()
            .kind(),
        PlatformErrorKind::InvalidJson
    );
}

#[test]
fn push_needs_os_and_architecture() {
    let d = Descriptor {
        platform: Some(Platform::new("linux", "")),
        ..Descriptor::default()
    };
    assert_eq!(
        d.check_pushable("example.com/alpine:3.0")
            .unwrap_err()
            .to_string(),
        "manifest example.com/alpine:3.0 must have an OS and Architecture to be pushed to a registry"
    );
    let d = Descriptor {
        platform: Some(Platform::new("linux", "amd64")),
        ..Descriptor::default()
    };
    assert!(d.check_pushable("x").is_ok());
}

#[test]
fn valid_os_arch_table_is_dockers() {
    assert_eq!(platform::VALID_OS_ARCHES.len(), 28);
    assert!(platform::is_valid_os_arch("linux", "riscv64"));
    assert!(!platform::is_valid_os_arch("windows", "arm64"));
    assert!(!platform::is_valid_os_arch("linux", "loong64"));
}

#[test]
fn demo_index_is_realistic() {
    let bytes =
        fs::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/data/index.json"))
            .unwrap();
    let index = ImageIndex::parse(&bytes).unwrap();
    let specs: Vec<String> = index
        .manifests
        .iter()
        .map(|d| d.platform.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(
        specs,
        [
            "linux/amd64",
            "linux/arm64/v8",
            "linux/arm/v7",
            "windows(10.0.20348.2340)/amd64",
            "unknown/unknown",
            "unknown/unknown"
        ]
    );
    assert!(index.manifests[4].platform.as_ref().unwrap().is_unknown());
}

#[cfg(feature = "serde")]
#[test]
fn platform_serde_is_its_text_form() {
    let p = spec("windows(10.0.17763+win32k)/amd64");
    let json = serde_json::to_string(&p).unwrap();
    assert_eq!(json, r#""windows(10.0.17763+win32k)/amd64""#);
    assert_eq!(serde_json::from_str::<Platform>(&json).unwrap(), p);
    assert!(serde_json::from_str::<Platform>(r#""linux/*""#).is_err());
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn component() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("amd64".to_owned()),
            Just("arm64".to_owned()),
            Just("arm".to_owned()),
            Just("aarch64".to_owned()),
            Just("x86_64".to_owned()),
            Just("armhf".to_owned()),
            Just("armel".to_owned()),
            Just("i386".to_owned()),
            "[A-Za-z0-9_-][A-Za-z0-9_.-]{0,7}",
        ]
    }

    proptest! {
        #[test]
        fn parse_display_parse_is_stable(
            os in prop_oneof![Just("linux".to_owned()), Just("Windows".to_owned()), Just("macOS".to_owned()), "[A-Za-z0-9_-]{1,8}"],
            options in proptest::option::of(("[A-Za-z0-9_.%-]{0,6}", proptest::collection::vec("[A-Za-z0-9_.-]{1,5}", 0..3))),
            arch in component(),
            variant in proptest::option::of(component()),
        ) {
            let mut text = os;
            if let Some((version, features)) = options {
                text.push('(');
                text.push_str(&version);
                for f in features { text.push('+'); text.push_str(&f); }
                text.push(')');
            }
            text.push('/');
            text.push_str(&arch);
            if let Some(v) = variant { text.push('/'); text.push_str(&v); }
            if let Ok(p) = text.parse::<Platform>() {
                let shown = p.to_string();
                let again: Platform = shown.parse().unwrap();
                prop_assert_eq!(again.to_string(), shown.clone());
                prop_assert_eq!(again.normalize(), p.normalize());
                // A platform always matches itself, strictly and loosely.
                prop_assert!(Matcher::only_strict(&p).matches(&again));
                prop_assert!(Matcher::only(&p).matches(&again));
            }
        }

        #[test]
        fn any_text_parses_or_errors(text in "\\PC{0,40}") {
            let host = Platform::new("linux", "amd64");
            if let Ok(p) = Platform::parse(&text, &host) {
                let _ = p.to_string();
                prop_assert!(!p.os.is_empty());
            }
        }
    }
}

mod push_and_create {
    use super::*;

    const DIGEST: &str = "sha256:7328f6f8b41890597575cbaadc884e7386ae0acc53b747401ebce5cf0d62abcd";

    fn member(
        reference_text: &str,
        platform: Option<Platform>,
        digest: &str,
    ) -> (Reference, Descriptor) {
        let descriptor = Descriptor {
            media_type: platform::media_type::DOCKER_MANIFEST.to_owned(),
            size: 528,
            digest: digest.to_owned(),
            platform,
            ..Descriptor::default()
        };
        (reference(reference_text), descriptor)
    }

    #[test]
    fn push_builds_dockers_list() {
        let target = reference("example.com/list:v1");
        let mut amd64 = Platform::new("linux", "amd64");
        amd64.features = vec!["sse4".to_owned()];
        let members = [
            member("example.com/alpine:3.0", Some(amd64.clone()), DIGEST),
            member("example.com/alpine:3.0", Some(amd64), DIGEST),
        ];
        let list = ImageIndex::for_push(&target, &members).unwrap();
        let golden = fs::read_to_string(data_path("index/inspect-manifest-list.golden")).unwrap();
        assert_eq!(
            list.to_json_pretty() + "\n",
            golden,
            "CPU features dropped, docker's layout"
        );
    }

    #[test]
    fn push_errors_are_dockers() {
        let target = reference("example.com/list:v1");
        let cases = [
            (
                member("example.com/alpine:3.0", None, DIGEST),
                PlatformErrorKind::MissingOsOrArchitecture,
                "manifest example.com/alpine:3.0 must have an OS and Architecture to be pushed to a registry",
            ),
            (
                member("alpine:3.0", Some(Platform::new("linux", "amd64")), DIGEST),
                PlatformErrorKind::DifferentRegistry,
                "cannot use source images from a different registry than the target image: docker.io != example.com",
            ),
            (
                member(
                    "example.com/alpine:3.0",
                    Some(Platform::new("linux", "amd64")),
                    "sha256:abc",
                ),
                PlatformErrorKind::InvalidDigest,
                r#"digest parse of image "example.com/alpine:3.0" failed: invalid checksum digest length"#,
            ),
        ];
        for (m, kind, text) in cases {
            let err = ImageIndex::for_push(&target, &[m]).unwrap_err();
            assert_eq!((err.kind(), err.to_string().as_str()), (kind, text));
        }
    }

    #[test]
    fn registry_serves_linux_amd64_to_old_clients() {
        let expect = [
            ("docker-list.json", Some("amd64")),
            ("pause-3.1.json", Some("amd64")),
            ("pause-3.10.json", Some("amd64")),
            ("buildkit-index.json", Some("amd64")),
            ("mixed.json", Some("amd64")),
        ];
        for (file, arch) in expect {
            let index = index_file(file);
            let got = index
                .legacy_client_fallback()
                .map(|d| d.platform.as_ref().unwrap().architecture.as_str());
            assert_eq!(got, arch, "{file}");
        }
        // The first exact linux/amd64 entry, whatever its media type.
        let mixed = index_file("mixed.json");
        assert_eq!(
            mixed.legacy_client_fallback().unwrap().media_type,
            "application/vnd.example.artifact+json"
        );
        assert!(
            index_file("docker-list.json")
                .manifests
                .iter()
                .all(|d| d.platform.is_some())
        );
        let arm_only = ImageIndex::parse(
            br#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","platform":{"os":"linux","architecture":"arm64"}}]}"#,
        )
        .unwrap();
        assert!(arm_only.legacy_client_fallback().is_none());
    }

    #[test]
    fn create_reads_the_platform_from_the_image_config() {
        let config = br#"{"architecture":"arm","os":"linux","variant":"v7","features":["ignored"],
            "config":{"Env":["PATH=/usr/bin"]},"rootfs":{"type":"layers","diff_ids":[]},"history":[]}"#;
        let p = Platform::from_image_config(config).unwrap();
        assert_eq!(p.to_string(), "linux/arm/v7");
        assert!(
            p.features.is_empty(),
            "the OCI platform has no CPU features"
        );
        let windows = br#"{"architecture":"amd64","os":"windows","os.version":"10.0.20348.2340","os.features":["win32k"]}"#;
        assert_eq!(
            Platform::from_image_config(windows).unwrap().to_string(),
            "windows(10.0.20348.2340+win32k)/amd64"
        );
        assert_eq!(
            Platform::from_image_config(b"[1]").unwrap_err().kind(),
            PlatformErrorKind::InvalidJson
        );
        let big = vec![b' '; platform::MAX_CONFIG_BYTES + 1];
        assert_eq!(
            Platform::from_image_config(&big).unwrap_err().kind(),
            PlatformErrorKind::TooLarge
        );
    }
}

#[test]
fn absurd_variants_do_not_explode() {
    let huge = spec("linux/amd64/v9223372036854775807");
    let only = Matcher::only(&huge);
    assert_eq!(only.platforms().len(), 2, "the platform and 386");
    assert!(only.matches(&huge));
    assert!(only.matches(&spec("linux/386")));
    assert!(!only.matches(&spec("linux/amd64/v3")));
    let arm = Matcher::only(&spec("linux/arm/v99999999999"));
    assert_eq!(arm.platforms().len(), 1);
    let edge = Matcher::only(&spec(&format!(
        "linux/arm/v{}",
        platform::MAX_VARIANT_VERSION
    )));
    assert_eq!(
        edge.platforms().len() as i64,
        platform::MAX_VARIANT_VERSION - 4
    );
    assert!(!Matcher::only(&spec("linux/arm64/v99999")).matches(&spec("linux/arm/v5")));
}
