"""Settings: defaults, provider choice, and loud failure naming the variable."""

from __future__ import annotations

import pytest

from mv.core.settings import Settings, SettingsError, load_settings


def test_bad_value_stops_startup_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKEND_PORT", "not-a-port")
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    assert "BACKEND_PORT" in str(info.value)


def test_unknown_provider_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MV_PROVIDER", "magic")
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    assert "MV_PROVIDER" in str(info.value)


def test_trusted_proxies_must_be_addresses_or_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MV_TRUSTED_PROXIES", "10.0.0.0/8,proxy.example")
    with pytest.raises(SettingsError) as info:
        load_settings(_env_file=None)
    assert "MV_TRUSTED_PROXIES" in str(info.value) and "proxy.example" in str(info.value)
    monkeypatch.setenv("MV_TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    assert [str(n) for n in load_settings(_env_file=None).trusted_proxy_networks] == ["10.0.0.0/8", "::1/128"]


def test_auto_provider_follows_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MV_PROVIDER", "auto")
    monkeypatch.delenv("REPLICATE_API_TOKEN", raising=False)
    assert load_settings(_env_file=None).default_provider == "local"
    monkeypatch.setenv("REPLICATE_API_TOKEN", "r8_secret")
    settings = load_settings(_env_file=None)
    assert settings.default_provider == "replicate"
    assert "r8_secret" not in repr(settings)


def test_env_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = tmp_path / ".env"
    env.write_text("BACKEND_PORT=8123\nMV_DEBUG_MODE=true\n")
    monkeypatch.delenv("BACKEND_PORT", raising=False)
    monkeypatch.delenv("MV_DEBUG_MODE", raising=False)
    settings = Settings(_env_file=env)  # type: ignore[call-arg]
    assert settings.backend_port == 8123
    assert settings.mv_debug_mode is True


def test_env_example_lists_every_setting() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    example = (root / ".env.example").read_text()
    readme = (root / "README.md").read_text()
    for name in Settings.model_fields:
        assert f"{name.upper()}=" in example, f"{name.upper()} missing from .env.example"
        assert f"`{name.upper()}`" in readme, f"{name.upper()} missing from the README table"
