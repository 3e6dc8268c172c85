"""The static site in the release: the same pages, plots and RDF as the server's, every link a
file, and content negotiation that works in Apache httpd (tested with a real server when one is
installed) both on the host and through the w3id.org redirect recipe."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from helpers import free_port
from web_helpers import HREF

from iscm_kg.web import site as site_module
from iscm_kg.web.pages import Site
from iscm_kg.web.rdf import MEDIA_TYPES

COLOMBO = "id/actor/colombo-process"


@pytest.fixture(scope="module")
def folder(built) -> Path:
    return built.out / "site"


def test_the_release_holds_the_site(built, folder: Path, site: Site) -> None:
    """Every page of the site is a file (a folder with index.html per path), each resource has
    its Turtle, N-Triples and JSON-LD beside it, and the release lists them all."""
    on_disk = {p.relative_to(built.out).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert {f for f in built.files if f.startswith("site/")} == on_disk
    expected = {"site/.htaccess", "site/w3id.htaccess", "site/assets/site.css"}
    expected |= {f"site/plots/{name}.svg" for name in site.plot_names()}
    for path in site.paths():
        page = "site" + path + ("index.html" if path.endswith("/") else "/index.html")
        expected.add(page)
        if path.startswith("/id/"):
            expected |= {page.removesuffix("html") + fmt for fmt in MEDIA_TYPES}
    assert on_disk == expected


def test_the_site_serves_the_same_bytes(folder: Path, site: Site) -> None:
    assert (folder / COLOMBO / "index.html").read_bytes() == site.page("/" + COLOMBO, static=True)
    assert (folder / "objectives/index.html").read_bytes() == site.page("/objectives/", static=True)
    for fmt in MEDIA_TYPES:
        assert (folder / COLOMBO / f"index.{fmt}").read_bytes() == site.rdf("/" + COLOMBO, fmt)
    assert (folder / "plots/references-per-objective.svg").read_bytes() == site.plot(
        "references-per-objective"
    )
    assert (folder / "assets/site.css").read_bytes() == site.asset("site.css")


def test_every_static_link_is_a_file(folder: Path) -> None:
    """Opened from the file system, every relative link of every page leads to a file (the
    site's files are listed once; a link is resolved as a path, ``..`` included)."""
    files = {os.path.join(root, name) for root, _, names in os.walk(folder) for name in names}
    broken = []
    for page in sorted(p for p in files if p.endswith(".html")):
        with open(page, "rb") as handle:
            links = HREF.findall(handle.read())
        for raw in links:
            link = raw.decode("utf-8").replace("&amp;", "&")
            if link.startswith(("http://", "https://", "data:", "#")):
                continue
            target = os.path.normpath(os.path.join(os.path.dirname(page), link.split("#", 1)[0]))
            if target not in files:
                broken.append((os.path.relpath(page, folder), link))
    assert broken == []


def _negotiation_rules(htaccess: str) -> dict[str, str]:
    """Media type asked for -> the rule's target, for each block of conditions and a rule."""
    found = {}
    for block in htaccess.split("\n\n"):
        lines = block.splitlines()
        accepts = [
            line.split()[2].replace("\\", "")
            for line in lines
            if line.startswith("RewriteCond %{HTTP_ACCEPT}")
        ]
        rules = [
            line.split()[2]
            for line in lines
            if line.startswith("RewriteRule ^(id/") or line.startswith("RewriteRule ^id/")
        ]
        for media in accepts if rules else ():
            found[media] = rules[0]
    return found


def test_htaccess_negotiates_every_format() -> None:
    """The host's rules and the w3id.org recipe send each media type to its file."""
    host = _negotiation_rules(site_module.HTACCESS)
    w3id = _negotiation_rules(site_module.W3ID_HTACCESS)
    for media, fmt in (*((m, f) for f, m in MEDIA_TYPES.items()), ("text/html", "html")):
        assert host[media] == f"$1/index.{fmt}", media
        assert w3id[media] == f"%{{ENV:ISCM_SITE}}/id/$1/index.{fmt}", media
    assert {"application/xhtml+xml"} == set(host) - set(MEDIA_TYPES.values()) - {"text/html"}


# A real Apache httpd, when installed -------------------------------------------------------

APACHE = shutil.which("apache2") or shutil.which("httpd")
MODULES = Path("/usr/lib/apache2/modules")
needs_apache = pytest.mark.skipif(
    APACHE is None or not (MODULES / "mod_rewrite.so").exists(),
    reason="Apache httpd with mod_rewrite is not installed",
)


class _Apache:
    """An Apache httpd serving one folder (with .htaccess allowed) on a loopback port."""

    def __init__(self, root: Path) -> None:
        self.root, self.port = root, free_port()
        conf = root.parent / "httpd.conf"
        user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
        modules = "\n".join(
            f"LoadModule {name}_module {MODULES}/mod_{name}.so"
            for name in ("mpm_event", "authz_core", "dir", "mime", "rewrite", "headers")
        )
        conf.write_text(
            f'ServerRoot "{root.parent}"\nListen 127.0.0.1:{self.port}\nServerName localhost\n'
            f"PidFile {root.parent}/httpd.pid\nErrorLog {root.parent}/error.log\n{modules}\n"
            f'TypesConfig /etc/mime.types\n{user}DocumentRoot "{root}"\n'
            f'<Directory "{root}">\n  AllowOverride FileInfo Indexes\n  Require all granted\n'
            "</Directory>\n"
        )
        self.conf = conf

    def __enter__(self) -> _Apache:
        subprocess.run([APACHE, "-f", str(self.conf), "-k", "start"], check=True)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        return self

    def __exit__(self, *_: object) -> None:
        subprocess.run([APACHE, "-f", str(self.conf), "-k", "stop"], check=False)
        for _ in range(50):
            if not (self.root.parent / "httpd.pid").exists():
                break
            time.sleep(0.1)

    def get(self, path: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}")
        if accept:
            request.add_header("Accept", accept)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), b""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@pytest.fixture
def served_copy(folder: Path):
    """A copy of the site in a folder the web server's user can read."""
    base = Path(tempfile.mkdtemp(prefix="iscm-kg-site-"))
    try:
        base.chmod(0o755)
        root = base / "site"
        shutil.copytree(folder, root)
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        yield root
    finally:
        shutil.rmtree(base, ignore_errors=True)


@needs_apache
def test_apache_serves_each_format_by_content_negotiation(served_copy: Path) -> None:
    with _Apache(served_copy) as apache:
        browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
        for accept, fmt in (
            ("text/turtle", "ttl"),
            ("application/n-triples", "nt"),
            ("application/ld+json", "jsonld"),
            (browser, "html"),
            (None, "html"),
        ):
            status, headers, body = apache.get("/" + COLOMBO, accept)
            assert status == 200, (accept, status)
            assert body == (served_copy / COLOMBO / f"index.{fmt}").read_bytes(), accept
            media = MEDIA_TYPES.get(fmt, "text/html")
            assert headers["Content-Type"].startswith(media), accept
            assert "Accept" in headers.get("Vary", ""), accept
        paragraph = "/id/document/A-RES-73-195/para/47"
        status, _, body = apache.get(paragraph, "text/turtle")
        assert status == 200 and body.startswith(b"@prefix")
        deeper = "/id/document/A-RES-73-195/para/22/b"  # a resource below another resource
        assert (
            apache.get(deeper, "text/turtle")[2]
            == (served_copy / deeper[1:] / "index.ttl").read_bytes()
        )
        assert apache.get("/iscms")[0] == apache.get("/iscms/")[0] == apache.get("/")[0] == 200
        assert apache.get("/plots/iscms-by-region.svg")[1]["Content-Type"] == "image/svg+xml"
        assert apache.get("/id/actor/no-such-actor")[0] == 404


@needs_apache
def test_w3id_recipe_redirects_to_the_hosted_files(tmp_path: Path) -> None:
    base = Path(tempfile.mkdtemp(prefix="iscm-kg-w3id-"))
    try:
        base.chmod(0o755)
        root = base / "w3id"
        (root / "iscm-kg").mkdir(parents=True)
        (root / "iscm-kg" / ".htaccess").write_text(site_module.W3ID_HTACCESS)
        for path in [root, *root.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        with _Apache(root) as w3id:
            hosted = "https://example.org/iscm-kg/site/id/document/A-RES-73-195/para/47/index"
            for accept, fmt in (
                ("text/turtle", "ttl"),
                ("application/n-triples", "nt"),
                ("application/ld+json", "jsonld"),
                ("text/html", "html"),
                ("*/*", "html"),
            ):
                status, headers, _ = w3id.get("/iscm-kg/id/document/A-RES-73-195/para/47", accept)
                assert (status, headers["Location"]) == (303, f"{hosted}.{fmt}"), accept
            status, headers, _ = w3id.get("/iscm-kg/ontology", "text/turtle")
            assert (status, headers["Location"]) == (
                303,
                "https://example.org/iscm-kg/ontology.ttl",
            )
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_forked_workers_write_the_same_files(pipeline, site: Site, tmp_path: Path) -> None:
    """A large graph's pages are written by several processes: the files are the same bytes as
    one process writes (here forced on the shipped graph)."""
    one = site_module.write(pipeline, tmp_path / "one" / "site", site, workers=1)
    two = site_module.write(pipeline, tmp_path / "two" / "site", site, workers=2, parallel_from=0)
    assert one == two
    for name in one:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
