#!/usr/bin/python3
"""The Kubernetes manifests (deploy/k8s), validated offline (issue 17).

1. They are what deploy/k8s/generate writes (nobody edited one by hand).
2. Every object is checked field by field against the Kubernetes API's own
   models (Debian's python3-kubernetes): an unknown or misspelt field, a
   value of the wrong type or a missing required field fails. Those models
   are Kubernetes 1.22's; the gRPC probe (GA in 1.27) is added below from
   the API reference, and nothing else is.
3. What the issue asks of them holds: gRPC probes on the health port,
   requests and limits, every Secret and key they use is one the README
   creates, a PodDisruptionBudget per workload, and the network policies
   let only the console and the processor reach what they call.

Run with Debian's /usr/bin/python3 (python3-kubernetes, python3-yaml).
"""
import os
import re
import subprocess
import sys
import tempfile

import kubernetes.client as k8s
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
K8S = os.path.join(ROOT, "deploy", "k8s")
FAILURES = []


def fail(msg):
    FAILURES.append(msg)


# The gRPC probe, from the Kubernetes API reference (core/v1 GRPCAction).
EXTRA_FIELDS = {"V1Probe": {"grpc": ("grpc", "GRPCAction")}}
PSEUDO_MODELS = {"GRPCAction": ({"port": "int", "service": "str"}, {"port"})}
KINDS = {("apps/v1", "Deployment"): "V1Deployment", ("v1", "Service"): "V1Service",
         ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
         ("networking.k8s.io/v1", "NetworkPolicy"): "V1NetworkPolicy",
         ("batch/v1", "Job"): "V1Job", ("v1", "Namespace"): "V1Namespace"}


def check(value, type_name, path):
    """check: `value` is a valid `type_name` (a model's openapi type)."""
    if type_name == "object":
        return
    if type_name == "str" or type_name == "datetime":
        if not isinstance(value, str):
            fail(f"{path}: must be a string, not {value!r}")
        return
    if type_name == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            fail(f"{path}: must be an integer, not {value!r}")
        return
    if type_name == "bool":
        if not isinstance(value, bool):
            fail(f"{path}: must be true or false, not {value!r}")
        return
    for pattern, kind, items in ((r"list\[(.+)\]", list, enumerate),
                                 (r"dict\(str, (.+)\)", dict, lambda d: d.items())):
        m = re.fullmatch(pattern, type_name)
        if m:
            if not isinstance(value, kind):
                fail(f"{path}: must be a {kind.__name__}")
                return
            for k, v in items(value):
                check(v, m.group(1), f"{path}[{k}]")
            return
    if not isinstance(value, dict):
        fail(f"{path}: must be an object ({type_name})")
        return
    if type_name in PSEUDO_MODELS:
        fields, required = PSEUDO_MODELS[type_name]
        for k, v in value.items():
            if k not in fields:
                fail(f"{path}.{k}: no such field in {type_name}")
            else:
                check(v, fields[k], f"{path}.{k}")
        for r in required - value.keys():
            fail(f"{path}: {type_name} requires {r}")
        return
    model = getattr(k8s, type_name)
    by_json = {json: (attr, model.openapi_types[attr]) for attr, json in model.attribute_map.items()}
    for json, (attr, t) in EXTRA_FIELDS.get(type_name, {}).items():
        by_json[json] = (attr, t)
    for k, v in value.items():
        if k not in by_json:
            fail(f"{path}.{k}: no such field in {type_name}")
        else:
            check(v, by_json[k][1], f"{path}.{k}")
    # Required fields: the model's own constructor refuses a missing one.
    # Scalars go in as they are (their allowed values are checked too);
    # nested objects, already walked above, as a placeholder.
    present = {by_json[k][0]: (v if not isinstance(v, (dict, list)) else "nested")
               for k, v in value.items() if k in by_json and k not in EXTRA_FIELDS.get(type_name, {})}
    try:
        model(**present)
    except ValueError as e:
        fail(f"{path}: {e}")


def load():
    docs = []
    for name in sorted(os.listdir(K8S)):
        if name.endswith(".yaml"):
            with open(os.path.join(K8S, name)) as f:
                for d in yaml.safe_load_all(f):
                    docs.append((name, d))
    return docs


def readme_secrets():
    """The Secrets (and their keys) deploy/k8s/README.md has the operator create."""
    with open(os.path.join(K8S, "README.md")) as f:
        text = f.read().replace("\\\n", " ")
    secrets = {}
    for m in re.finditer(r"kubectl -n dp create secret (generic|tls) (\S+)([^\n`]*)", text):
        keys = set(re.findall(r"--from-(?:file|literal)=([A-Za-z0-9._-]+)=", m.group(3)))
        if m.group(1) == "tls":
            keys |= {"tls.crt", "tls.key"}
        secrets[m.group(2)] = keys
    return secrets


def report():
    for f in FAILURES:
        print("FAIL:", f)
    sys.exit(1)


def matches(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).get("matchLabels", {}).items())


def peer_matches(peer, pod, pod_ns):
    if "namespaceSelector" in peer:
        ok = matches(peer["namespaceSelector"], pod_ns["labels"])
        return ok and ("podSelector" not in peer or matches(peer["podSelector"], pod["labels"]))
    return pod_ns["name"] == "dp" and matches(peer.get("podSelector"), pod["labels"])


def allowed(policies, src, src_ns, dst, dst_ns, port, proto="TCP"):
    """A connection src -> dst:port, by the NetworkPolicy rules (both ends)."""
    def side(kind, pod, ns, peer_pod, peer_ns):
        if ns["name"] != "dp":
            return True  # only dp's policies are modelled; others' namespaces allow
        chosen = [p["spec"] for p in policies if kind in p["spec"]["policyTypes"]
                  and matches(p["spec"]["podSelector"], pod["labels"])]
        if not chosen:
            return True
        rules = [r for p in chosen for r in p.get("ingress" if kind == "Ingress" else "egress", [])]
        for r in rules:
            peers = r.get("from" if kind == "Ingress" else "to", [])
            ports = r.get("ports", [])
            if peers and not any(peer_matches(x, peer_pod, peer_ns) for x in peers):
                continue
            if ports and not any(p.get("port") == port and p.get("protocol", "TCP") == proto for p in ports):
                continue
            return True
        return False
    return side("Egress", src, src_ns, dst, dst_ns) and side("Ingress", dst, dst_ns, src, src_ns)


def main():
    # 1. Generated, not edited.
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, os.path.join(K8S, "generate"), out], check=True)
        for name in sorted(os.listdir(out)):
            with open(os.path.join(out, name)) as a, open(os.path.join(K8S, name)) as b:
                if a.read() != b.read():
                    fail(f"deploy/k8s/{name} differs from what deploy/k8s/generate writes: run it")
    docs = load()
    # 2. Field by field against the API's models.
    for name, d in docs:
        kind = KINDS.get((d.get("apiVersion"), d.get("kind")))
        if kind is None:
            fail(f"{name}: {d.get('apiVersion')} {d.get('kind')} is not a kind this test knows")
            continue
        check(d, kind, f"{name}:{d['kind']}/{d['metadata']['name']}")
    if FAILURES:
        report()  # the checks below read the objects as valid
    objects = {(d["kind"], d["metadata"]["name"]): d for _, d in docs}
    deployments = [d for _, d in docs if d["kind"] == "Deployment"]
    secrets = readme_secrets()
    if not secrets:
        fail("deploy/k8s/README.md creates no Secrets")
    # 3. What the issue asks.
    for dep in deployments:
        name = dep["metadata"]["name"]
        pod = dep["spec"]["template"]
        if not matches(dep["spec"]["selector"], pod["metadata"]["labels"]):
            fail(f"{name}: its selector does not select its own pods")
        vols = {v["name"]: v for v in pod["spec"]["volumes"]}
        for c in pod["spec"]["containers"]:
            where = f"{name}/{c['name']}"
            ports = {p["name"]: p["containerPort"] for p in c["ports"]}
            for probe in ("readinessProbe", "livenessProbe"):
                p = c.get(probe)
                if p is None:
                    fail(f"{where}: no {probe}")
                elif "health" in ports and p.get("grpc", {}).get("port") != ports["health"]:
                    fail(f"{where}: {probe} is not the gRPC health service on the health port")
            res = c.get("resources", {})
            if not {"cpu", "memory"} <= res.get("requests", {}).keys() or "memory" not in res.get("limits", {}):
                fail(f"{where}: needs cpu and memory requests and a memory limit")
            if "health" in ports and f"0.0.0.0:{ports['health']}" not in c["args"]:
                fail(f"{where}: --health-listen is not the health port")
            if not c.get("securityContext", {}).get("runAsNonRoot"):
                fail(f"{where}: must run as non-root")
            for e in c.get("env", []):
                ref = e.get("valueFrom", {}).get("secretKeyRef")
                if ref and ref["key"] not in secrets.get(ref["name"], set()):
                    fail(f"{where}: env {e['name']} uses {ref['name']}/{ref['key']}, which the README does not create")
            mounts = {m["mountPath"]: vols[m["name"]] for m in c["volumeMounts"]}
            for arg in c["args"]:
                for path, vol in mounts.items():
                    if arg.startswith(path + "/") and "secret" in vol:
                        secret, key = vol["secret"]["secretName"], arg[len(path) + 1:]
                        if key not in secrets.get(secret, set()):
                            fail(f"{where}: {arg} needs key {key} in Secret {secret}, which the README does not create")
        pdb = objects.get(("PodDisruptionBudget", name))
        if pdb is None or not matches(pdb["spec"]["selector"], pod["metadata"]["labels"]):
            fail(f"{name}: no PodDisruptionBudget selects its pods")
        elif pdb["spec"]["minAvailable"] >= dep["spec"]["replicas"]:
            fail(f"{name}: its PodDisruptionBudget would block every voluntary eviction")
        svc = objects.get(("Service", name))
        if svc is None or not matches({"matchLabels": svc["spec"]["selector"]}, pod["metadata"]["labels"]):
            fail(f"{name}: no Service selects its pods")
    # The network: who reaches what.
    policies = [d for _, d in docs if d["kind"] == "NetworkPolicy"]
    pods = {d["metadata"]["name"]: {"labels": d["spec"]["template"]["metadata"]["labels"]} for d in deployments}
    dp_ns = {"name": "dp", "labels": {"kubernetes.io/metadata.name": "dp"}}
    ns = lambda n, **labels: {"name": n, "labels": {"kubernetes.io/metadata.name": n, **labels}}
    processor = ({"labels": {"app": "connector"}}, ns("card-processor", **{"dp.scot/role": "processor"}))
    ingress = ({"labels": {"app": "controller"}}, ns("ingress-nginx"))
    prometheus = ({"labels": {"app": "prometheus"}}, ns("monitoring"))
    database = ({"labels": {"app": "patroni"}}, ns("database", **{"dp.scot/role": "database"}))
    stranger = ({"labels": {"app": "anything"}}, ns("default"))
    services = [n for n in pods if n != "dp-console"]
    expect = []
    for s in services:
        expect += [(("dp-console",), s, 7000, True), ((processor,), s, 7000, s == "dp-cards"),
                   ((stranger,), s, 7000, False), ((ingress,), s, 7000, False),
                   ((prometheus,), s, 9000, True), ((stranger,), s, 9000, False),
                   ((s,), database, 5432, True), ((s,), stranger, 443, False)]
        expect += [((s,), other, 7000, False) for other in services if other != s]
        expect += [((s,), "dp-console", 8443, False)]
    expect += [((prometheus,), "dp-console", 9000, True), ((stranger,), "dp-console", 9000, False),
               ((ingress,), "dp-console", 8443, True), ((processor,), "dp-console", 8443, False),
               ((stranger,), "dp-console", 8443, False), (("dp-console",), database, 5432, True)]
    for (src,), dst, port, want in expect:
        s_pod, s_ns = (pods[src], dp_ns) if isinstance(src, str) else src
        d_pod, d_ns = (pods[dst], dp_ns) if isinstance(dst, str) else dst
        got = allowed(policies, s_pod, s_ns, d_pod, d_ns, port)
        if got != want:
            label = lambda x: x if isinstance(x, str) else x[1]["name"]
            fail(f"network: {label(src)} -> {label(dst)}:{port} is {'allowed' if got else 'denied'}, "
                 f"should be {'allowed' if want else 'denied'}")
    checked = len(expect)
    if FAILURES:
        report()
    print(f"deploy/k8s: {len(docs)} objects valid against the Kubernetes API models; "
          f"{len(deployments)} workloads with probes, resources and disruption budgets; "
          f"{checked} network paths as intended")


if __name__ == "__main__":
    main()
