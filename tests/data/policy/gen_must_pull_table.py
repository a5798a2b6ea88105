#!/usr/bin/env python3
"""Writes must_pull_table.jsonl: every combination of the inputs of MustAttemptImagePull
(spec kubernetes.md section 2.7), answered by this independent reading of the spec.

Dimensions: verification policy (5, the allowlist one with a matching and a non-matching
list), image valid or not, the pulled record (10 shapes), pull intent, pod credentials (4),
plus the other option set for every row it changes: the default (Kubernetes v1.36) and
VerifyOptions::preloaded_flag_revision for empty-mapping rows, the default and
VerifyOptions::hardened for other-image rows. imageRef is never empty here (that
row is always "must pull" and is covered by the vector table)."""
import json

THIS = "docker.io/testing/test"
CACHED = {"uid": "cuid", "namespace": "ns", "name": "cached", "credentialHash": "h1"}
SA = {"uid": "sauid", "namespace": "ns", "name": "builder"}
RECORDS = {
    "absent": None,
    "unreadable": None,
    "access-error": None,
    "empty-mapping": {},
    "other-image": {"docker.io/testing/other": {"kubernetesSecrets": [CACHED]}},
    "other-image-preloaded": {"docker.io/testing/other": {"preloaded": True}},
    "this-preloaded": {THIS: {"preloaded": True}},
    "this-node-pods": {THIS: {"nodePodsAccessible": True}},
    "this-secret": {THIS: {"kubernetesSecrets": [CACHED]}},
    "this-service-account": {THIS: {"kubernetesServiceAccounts": [SA]}},
}
PODS = {
    "none": ([], None),
    "same-hash-other-secret": ([{"uid": "puid", "namespace": "other", "name": "mine", "credentialHash": "h1"}], None),
    "same-secret-rotated": ([dict(CACHED, credentialHash="h2")], None),
    "service-account": ([], SA),
}
POLICIES = {
    "NeverVerify": ("NeverVerify", []),
    "NeverVerifyPreloadedImages": ("NeverVerifyPreloadedImages", []),
    "Allowlisted-match": ("NeverVerifyAllowlistedImages", ["docker.io/testing/*"]),
    "Allowlisted-miss": ("NeverVerifyAllowlistedImages", ["quay.io/*"]),
    "AlwaysVerify": ("AlwaysVerify", []),
}


def oracle(policy_key, valid, record_key, intent, pod_key, options):
    if record_key == "access-error":
        return True, "RecordAccessError", None
    mapping = RECORDS[record_key]
    has_record = mapping is not None
    # Was the image pulled by the kubelet?
    if record_key == "unreadable":
        pulled = True
    elif not has_record:
        pulled = intent
    elif not valid:
        pulled = True
    elif THIS in mapping:
        pulled = (not mapping[THIS].get("preloaded", False)) or intent
    elif not mapping:
        # v1.36: an empty mapping is a kubelet pull; the preloaded-flag revision said no.
        pulled = (options != "preloaded-flag-revision") or intent
    elif options == "hardened" and any(not c.get("preloaded", False) for c in mapping.values()):
        pulled = True
    else:
        # v1.36: another repository's record does not make this image kubelet-pulled.
        pulled = intent
    policy = POLICIES[policy_key][0]
    if policy == "NeverVerify":
        requires = False
    elif policy == "NeverVerifyPreloadedImages":
        requires = pulled
    elif policy == "AlwaysVerify":
        requires = True
    else:  # allowlist: an unparsable image never matches
        requires = not (valid and policy_key == "Allowlisted-match")
    if not requires:
        if has_record:
            should_write = all(c.get("preloaded", False) for c in mapping.values())
        else:
            should_write = not intent
        return False, "ExemptByPolicy", ({"preloaded": True} if should_write and valid else None)
    if not has_record:
        return True, "NoRecord", None
    if not valid:
        return True, "InvalidImageName", None
    if THIS not in mapping:
        return True, "NoCredentialMapping", None
    cached = mapping[THIS]
    if cached.get("nodePodsAccessible"):
        return False, "NodePodsAccessible", None
    secrets = cached.get("kubernetesSecrets", [])
    accounts = cached.get("kubernetesServiceAccounts", [])
    if not secrets and not accounts:
        return True, "NoRecordedCredentials", None
    pod_secrets, pod_sa = PODS[pod_key]
    coords = lambda s: (s["uid"], s["namespace"], s["name"])
    for p in pod_secrets:
        for c in secrets:
            if c["credentialHash"] and c["credentialHash"] == p["credentialHash"]:
                update = None if coords(c) == coords(p) else {"kubernetesSecrets": [p]}
                return False, "SecretHashMatch", update
            if coords(c) == coords(p) and len(secrets) < 100:
                return False, "SecretCoordinatesMatch", {"kubernetesSecrets": [p]}
    if pod_sa is not None and pod_sa in accounts:
        return False, "ServiceAccountMatch", None
    return True, "NoMatchingCredentials", None


def main():
    records = {}
    for key, mapping in RECORDS.items():
        if mapping is None:
            records[key] = None if key == "absent" else key
        else:
            records[key] = json.dumps({"kind": "ImagePulledRecord", "apiVersion": "kubelet.config.k8s.io/v1alpha1",
                                       "lastUpdatedTime": "2024-10-21T12:26:40Z", "imageRef": "ref",
                                       "credentialMapping": mapping}, separators=(",", ":"))
    fixtures = {"records": records,
                "pods": {k: {"secrets": v[0], "service_account": v[1]} for k, v in PODS.items()},
                "policies": {k: {"policy": v[0], "allowlist": v[1]} for k, v in POLICIES.items()}}
    with open("must_pull_table.fixtures.json", "w") as f:
        json.dump(fixtures, f, indent=1)
        f.write("\n")
    rows = []
    for policy_key in POLICIES:
        for valid in (True, False):
            for record_key, mapping in RECORDS.items():
                for intent in (False, True):
                    for pod_key in PODS:
                        variants = ["default"]
                        if mapping == {}:
                            variants.append("preloaded-flag-revision")
                        if record_key == "other-image":
                            variants.append("hardened")
                        for options in variants:
                            must, reason, update = oracle(policy_key, valid, record_key, intent, pod_key, options)
                            rows.append([policy_key, valid, record_key, intent, pod_key, options, must, reason, update])
    with open("must_pull_table.jsonl", "w") as f:
        f.write("# [policy, image valid, record, intent, pod credentials, options, must pull, reason, record update]\n")
        for r in rows:
            f.write(json.dumps(r, separators=(",", ":")) + "\n")
    print(len(rows), "rows")


if __name__ == "__main__":
    main()
