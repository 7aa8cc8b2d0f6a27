"""Chapter 8's streaming forecaster service: its NumPy LSTM step and where it keeps state."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from starlette.testclient import TestClient

from mlskills import stateful_service


@pytest.fixture()
def weights_file(tmp_path):
    torch.manual_seed(8)
    lstm = torch.nn.LSTM(1, 4, batch_first=True, dtype=torch.float64)
    path = tmp_path / "weights.npz"
    np.savez(
        path,
        weight_ih=lstm.weight_ih_l0.detach().numpy(),
        weight_hh=lstm.weight_hh_l0.detach().numpy(),
        bias_ih=lstm.bias_ih_l0.detach().numpy(),
        bias_hh=lstm.bias_hh_l0.detach().numpy(),
        head_weight=np.linspace(-1, 1, 4),
        head_bias=np.array(0.1),
    )
    return path, lstm


def test_numpy_step_equals_torch_lstm(weights_file):
    path, lstm = weights_file
    weights = dict(np.load(path))
    x = np.random.default_rng(0).normal(size=6)
    h, c = np.zeros(4), np.zeros(4)
    for value in x:
        h, c = stateful_service.lstm_step(np.array([value]), h, c, weights)
    with torch.no_grad():
        out, _ = lstm(torch.from_numpy(x).reshape(1, 6, 1))
    assert np.allclose(h, out[0, -1].numpy(), atol=1e-12)


def forecasts(client, readings, carry=False):
    out, state = [], None
    for station, value in readings:
        body = {"station": station, "value": value, **({"state": state} if carry else {})}
        reply = client.post("/forecast", json=body).json()
        state = reply.get("state")
        out.append(reply["forecast"])
    return out


@pytest.mark.parametrize("mode", ["memory", "sqlite", "request"])
def test_each_state_placement_remembers_a_station(mode, weights_file, tmp_path, monkeypatch):
    path, _ = weights_file
    monkeypatch.setenv("CH08_WEIGHTS", str(path))
    monkeypatch.setenv("CH08_STATE", mode)
    monkeypatch.setenv("CH08_DB", str(tmp_path / "state.sqlite"))
    readings = [("a", 0.5), ("a", -1.0), ("a", 2.0)]
    with TestClient(stateful_service.create_app()) as client:
        first = forecasts(client, readings, carry=mode == "request")
    with TestClient(stateful_service.create_app()) as client:
        alone = forecasts(client, readings[-1:], carry=mode == "request")
    # the third forecast depends on the first two readings, so it differs from a fresh start
    assert abs(first[-1] - alone[0]) > 1e-6
    assert len({round(f, 12) for f in first}) == 3


def test_memory_state_is_lost_by_a_second_replica_but_sqlite_state_is_not(
    weights_file, tmp_path, monkeypatch
):
    path, _ = weights_file
    monkeypatch.setenv("CH08_WEIGHTS", str(path))
    readings = [("a", 0.5), ("a", -1.0), ("a", 2.0), ("a", 0.0)]
    results = {}
    for mode in ("memory", "sqlite"):
        monkeypatch.setenv("CH08_STATE", mode)
        monkeypatch.setenv("CH08_DB", str(tmp_path / f"{mode}-two.sqlite"))
        with (
            TestClient(stateful_service.create_app()) as one,
            TestClient(stateful_service.create_app()) as two,
        ):
            replicas = [one, two]  # round-robin
            results[mode] = [forecasts(replicas[i % 2], [r])[0] for i, r in enumerate(readings)]
        monkeypatch.setenv("CH08_DB", str(tmp_path / f"{mode}-one.sqlite"))
        with TestClient(stateful_service.create_app()) as single:
            results[f"{mode}, one replica"] = forecasts(single, readings)
    assert np.allclose(results["sqlite"], results["sqlite, one replica"])
    assert not np.allclose(results["memory"], results["memory, one replica"])
