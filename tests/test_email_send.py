"""`digest email --send`: one message per recipient to a local SMTP server (aiosmtpd,
started by each test on 127.0.0.1), the sent-log, and every way a sending can fail."""

from __future__ import annotations

import email
import json
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from click.testing import CliRunner, Result
from test_build_support import copy_site

from digest.cli import main

USER, PASSWORD = "curator", "s3cret"


@dataclass
class Mailbox:
    """What the server received, and addresses it refuses at RCPT or at DATA."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)
    refuse_data: set[str] = field(default_factory=set)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if set(envelope.rcpt_tos) & self.refuse_data:
            return "554 5.6.0 Message rejected as spam"
        msg = email.message_from_bytes(envelope.original_content, policy=default_policy)
        assert isinstance(msg, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox()


@pytest.fixture
def server(mailbox: Mailbox) -> Iterator[int]:
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()  # returns once the server answers
    try:
        yield controller.port
    finally:
        controller.stop()


@pytest.fixture
def tls_server(mailbox: Mailbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
               ) -> Iterator[int]:
    """STARTTLS required, then AUTH; digest trusts the test CA through SSL_CERT_FILE, as
    it would a system CA."""
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode()
              and auth_data.password == PASSWORD.encode())
        if ok:
            mailbox.logins.append(USER)
        return AuthResult(success=ok, handled=False)  # aiosmtpd answers 235 or 535

    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(),
                            tls_context=context, require_starttls=True,
                            authenticator=authenticate, auth_require_tls=True)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


def site_for(tmp_path: Path, port: int, smtp: str = "starttls: false", to: str =
             "[a@example.org, b@example.org]") -> Path:
    site = copy_site("email", tmp_path)
    config = site / "site.yaml"
    text = config.read_text(encoding="utf-8").replace("  to: [reader@example.org]\n", "")
    config.write_text(text + f"  to: {to}\n  smtp: {{host: 127.0.0.1, port: {port}, {smtp}}}\n",
                      encoding="utf-8")
    return site


def send(site: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["email", "2025-10-11", "--send", *args, "--site", str(site)],
                              prog_name="digest")


def log_of(site: Path) -> list[dict[str, str]]:
    path = site / "sent-log.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_message_per_recipient_and_a_sent_log(tmp_path: Path, server: int,
                                                  mailbox: Mailbox) -> None:
    site = site_for(tmp_path, server)
    result = send(site)
    assert result.exit_code == 0, result.output
    assert "2 of 2 sent" in result.output
    assert [(frm, to) for frm, to, _ in mailbox.messages] == [
        ("digest@example.org", ["a@example.org"]), ("digest@example.org", ["b@example.org"])]
    for (_, [address], msg) in mailbox.messages:
        assert msg["To"] == address  # nobody sees the other addresses
        assert msg["Subject"] == "Le Résumé: October 11, 2025"
        assert msg.get_content_type() == "multipart/alternative"
        text, html = (p.get_content() for p in msg.iter_parts())
        assert "The night ferry returns" in text and "<!DOCTYPE html>" in html
        assert "SECRET-BEYOND-THE-EXCERPT" not in text + html
        assert msg["List-Unsubscribe"] == "<https://digest.example.org/unsubscribe>"
    ids = [msg["Message-ID"] for _, _, msg in mailbox.messages]
    assert len(set(ids)) == 2
    log = log_of(site)
    assert [(r["edition"], r["to"], r["message_id"]) for r in log] == [
        ("2025-10-11", "a@example.org", ids[0]), ("2025-10-11", "b@example.org", ids[1])]
    assert all(r["time"].endswith("+00:00") for r in log)
    assert (site / "_email/2025-10-11/message.eml").is_file()


def test_an_edition_is_not_sent_twice_without_again(tmp_path: Path, server: int,
                                                    mailbox: Mailbox) -> None:
    site = site_for(tmp_path, server)
    assert send(site, "--to", "a@example.org").exit_code == 0
    result = send(site)  # a@ had it: only b@ gets it now
    assert result.exit_code == 0, result.output
    assert "not sent to a@example.org: received 2025-10-11 on" in result.output
    assert "add --again" in result.output and "1 of 1 sent" in result.output
    result = send(site)
    assert result.exit_code == 1 and "nothing sent" in result.output
    assert [to for _, [to], _ in mailbox.messages] == ["a@example.org", "b@example.org"]
    result = send(site, "--to", "a@example.org", "--again")
    assert result.exit_code == 0 and len(mailbox.messages) == 3
    assert [r["to"] for r in log_of(site)] == ["a@example.org", "b@example.org", "a@example.org"]
    # Another edition is another sending.
    other = CliRunner().invoke(main, ["email", "2025-10-10", "--send", "--site", str(site)])
    assert other.exit_code == 0 and len(mailbox.messages) == 5


def test_a_refusal_mid_list_is_reported_and_the_rest_is_sent(tmp_path: Path, server: int,
                                                            mailbox: Mailbox) -> None:
    mailbox.refuse["gone@example.org"] = "550 5.1.1 <gone@example.org>: no such user"
    mailbox.refuse_data.add("spam@example.org")
    site = site_for(tmp_path, server,
                    to="[a@example.org, gone@example.org, spam@example.org, c@example.org]")
    result = send(site)
    assert result.exit_code == 1
    assert ("not sent to gone@example.org: the server said 550 5.1.1 <gone@example.org>: no "
            "such user") in result.output
    assert ("not sent to spam@example.org: the server said 554 5.6.0 Message rejected as "
            "spam") in result.output
    assert "2 of 4 sent" in result.output
    assert [to for _, [to], _ in mailbox.messages] == ["a@example.org", "c@example.org"]
    assert [r["to"] for r in log_of(site)] == ["a@example.org", "c@example.org"]
    # The refused ones can be sent later, without --again: they never received it.
    mailbox.refuse.clear()
    mailbox.refuse_data.clear()
    result = send(site)
    assert result.exit_code == 0 and "2 of 2 sent" in result.output


def test_starttls_and_login_with_credentials_from_the_environment(
        tmp_path: Path, tls_server: int, mailbox: Mailbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = site_for(tmp_path, tls_server, "starttls: true, user_env: DIGEST_TEST_USER, "
                    "password_env: DIGEST_TEST_PASSWORD")
    result = send(site)  # the variables are not set yet
    assert result.exit_code == 1
    assert "the environment variable DIGEST_TEST_USER is not set" in result.output
    monkeypatch.setenv("DIGEST_TEST_USER", USER)
    monkeypatch.setenv("DIGEST_TEST_PASSWORD", "wrong")
    result = send(site)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"127.0.0.1:{tls_server}: cannot log in: 535" in result.output
    assert "nothing was sent" in result.output and not log_of(site)
    monkeypatch.setenv("DIGEST_TEST_PASSWORD", PASSWORD)
    result = send(site)
    assert result.exit_code == 0, result.output
    assert mailbox.logins == [USER] and len(mailbox.messages) == 2


def test_a_server_that_requires_starttls_refuses_plain_sending(
        tmp_path: Path, tls_server: int, mailbox: Mailbox) -> None:
    site = site_for(tmp_path, tls_server)  # starttls: false
    result = send(site)
    assert result.exit_code == 1 and not mailbox.messages and not log_of(site)
    assert "530" in result.output  # "Must issue a STARTTLS command first"


def test_no_server_there_is_a_clear_error(tmp_path: Path) -> None:
    site = site_for(tmp_path, free_port())
    result = send(site)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot connect" in result.output and "nothing was sent" in result.output


def test_sending_needs_the_settings(tmp_path: Path) -> None:
    site = copy_site("email", tmp_path)
    result = send(site)
    assert result.exit_code == 1
    assert "mail.smtp is not set" in result.output
    result = send(site, "--to", "not an address")
    assert result.exit_code == 1 and "--to: 'not an address' is not an e-mail address" in (
        result.output)


def test_addresses_from_a_file(tmp_path: Path, server: int, mailbox: Mailbox) -> None:
    site = site_for(tmp_path, server)
    config = site / "site.yaml"
    text = config.read_text(encoding="utf-8").replace(
        "  to: [a@example.org, b@example.org]\n", "  to_file: subscribers.txt\n")
    config.write_text(text, encoding="utf-8")
    (site / "subscribers.txt").write_text("# readers\nx@example.org\n\nnope\n", encoding="utf-8")
    result = send(site)
    assert result.exit_code == 1 and "subscribers.txt:4: 'nope' is not an e-mail address" in (
        result.output)
    (site / "subscribers.txt").write_text("# readers\nx@example.org\n\ny@example.org\n",
                                          encoding="utf-8")
    result = send(site)
    assert result.exit_code == 0, result.output
    assert [to for _, [to], _ in mailbox.messages] == ["x@example.org", "y@example.org"]
