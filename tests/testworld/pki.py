"""The test world's PKI: one cluster CA, a front-proxy CA, serving and client certificates, the
service-account signing key, and kubeconfig files. Everything lives in the world's folder; private
keys and kubeconfigs are written 0600."""

import base64
import datetime
import ipaddress
import os

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

VALIDITY = datetime.timedelta(days=30)


def write_private(path, data):
    """Write ``data`` (bytes or str) to ``path`` with mode 0600 from the first byte on."""
    if isinstance(data, str):
        data = data.encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, 0o600)


def _pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def _key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _now():
    return datetime.datetime.now(datetime.timezone.utc)


class Authority(object):
    """A self-signed CA that issues certificates into ``folder``."""

    def __init__(self, folder, name):
        self.folder = folder
        self.name = name
        now = _now()
        self.key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "%s@%d" % (name, int(now.timestamp())))])
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        self.cert_file = os.path.join(folder, "%s.crt" % name)
        self.key_file = os.path.join(folder, "%s.key" % name)
        with open(self.cert_file, "wb") as fh:
            fh.write(_pem(self.cert))
        write_private(self.key_file, _key_pem(self.key))

    @property
    def pem(self):
        return _pem(self.cert)

    def issue(self, stem, common_name, organizations=(), dns_names=(), ips=(), server=False, client=False):
        """Write ``stem.crt``/``stem.key`` signed by this CA; returns (cert path, key path)."""
        now = _now()
        key = ec.generate_private_key(ec.SECP256R1())
        attrs = [x509.NameAttribute(NameOID.ORGANIZATION_NAME, o) for o in organizations]
        attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
        usages = ([ExtendedKeyUsageOID.SERVER_AUTH] if server else []) + (
            [ExtendedKeyUsageOID.CLIENT_AUTH] if client else []
        )
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name(attrs))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + VALIDITY)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False, False), critical=True)
            .add_extension(x509.ExtendedKeyUsage(usages), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False)
        )
        alt = [x509.DNSName(n) for n in dns_names] + [x509.IPAddress(ipaddress.ip_address(i)) for i in ips]
        if alt:
            builder = builder.add_extension(x509.SubjectAlternativeName(alt), critical=False)
        cert = builder.sign(self.key, hashes.SHA256())
        path = os.path.join(self.folder, stem)
        with open(path + ".crt", "wb") as fh:
            fh.write(_pem(cert))
        write_private(path + ".key", _key_pem(key))
        return path + ".crt", path + ".key"


class ClusterPKI(object):
    """Every credential one world needs, made once in ``folder`` (a ``pki/`` subfolder of the world)."""

    API_SERVER_NAMES = (
        "localhost",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
    )

    def __init__(self, folder, service_ip):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        self.folder = folder
        self.ca = Authority(folder, "ca")
        self.front_proxy_ca = Authority(folder, "front-proxy-ca")
        self.apiserver = self.ca.issue(
            "apiserver", "kube-apiserver", dns_names=self.API_SERVER_NAMES, ips=("127.0.0.1", service_ip), server=True
        )
        self.kubelet_client = self.ca.issue(
            "apiserver-kubelet-client", "kube-apiserver-kubelet-client", ["system:masters"], client=True
        )
        self.front_proxy_client = self.front_proxy_ca.issue("front-proxy-client", "front-proxy-client", client=True)
        sa_key = ec.generate_private_key(ec.SECP256R1())
        self.service_account_key = os.path.join(folder, "sa.key")
        self.service_account_pub = os.path.join(folder, "sa.pub")
        write_private(self.service_account_key, _key_pem(sa_key))
        with open(self.service_account_pub, "wb") as fh:
            fh.write(
                sa_key.public_key().public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            )

    def client(self, user, groups=()):
        """A client certificate for ``user`` in ``groups`` (CN and O, as kube-apiserver reads them)."""
        stem = "client-" + "".join(c if c.isalnum() else "-" for c in user)
        if groups:
            stem += "-" + "-".join("".join(c if c.isalnum() else "-" for c in g) for g in groups)
        return self.ca.issue(stem, user, tuple(groups), client=True)

    def serving(self, stem, dns_names=(), ips=()):
        """A serving certificate signed by the cluster CA (webhooks, aggregated API servers)."""
        return self.ca.issue(stem, (list(dns_names) or list(ips))[0], dns_names=dns_names, ips=ips, server=True)


def _b64(path):
    with open(path, "rb") as fh:
        return base64.b64encode(fh.read()).decode()


def write_kubeconfig(path, server, ca_file, user="admin", token=None, client_cert=None, cluster="testworld"):
    """A kubeconfig for ``server`` (CA embedded) with a bearer ``token`` or a client certificate
    ``(cert path, key path)`` embedded; written 0600. Returns ``path``."""
    credentials = {}
    if token:
        credentials["token"] = token
    if client_cert:
        credentials["client-certificate-data"] = _b64(client_cert[0])
        credentials["client-key-data"] = _b64(client_cert[1])
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster, "cluster": {"server": server, "certificate-authority-data": _b64(ca_file)}}],
        "users": [{"name": user, "user": credentials}],
        "contexts": [{"name": cluster, "context": {"cluster": cluster, "user": user}}],
        "current-context": cluster,
    }
    write_private(path, yaml.safe_dump(config, sort_keys=False))
    return path
