from __future__ import annotations

from app.web.signature import sign, verify_signature

BODY = b'{"action":"labeled"}'


def test_matching_signature_is_accepted() -> None:
    assert verify_signature("s3cret", BODY, sign("s3cret", BODY))


def test_signature_over_other_bytes_is_rejected() -> None:
    # The signature covers the raw bytes: re-serialised JSON with other spacing must fail.
    assert not verify_signature("s3cret", b'{"action": "labeled"}', sign("s3cret", BODY))


def test_wrong_secret_missing_and_malformed_headers_are_rejected() -> None:
    good = sign("s3cret", BODY)
    assert not verify_signature("other", BODY, good)
    assert not verify_signature("s3cret", BODY, None)
    assert not verify_signature("s3cret", BODY, "")
    assert not verify_signature("s3cret", BODY, good.replace("sha256=", "sha1="))
    assert not verify_signature("s3cret", BODY, good[:-2])
    assert not verify_signature("", BODY, sign("", BODY))
