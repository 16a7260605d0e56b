"""Loaders of the SymbolNet experiments (MNIST, LHC jets, SVHN "1" vs "7") on small fixtures of the
real formats: no test downloads anything (these machines have no internet)."""
import sys
import types

import numpy as np
import pandas as pd
import pytest

from keras_symbolic.datasets import load_lhc_jets, load_mnist, load_svhn_1_vs_7
from keras_symbolic.datasets import lhc as lhc_module
from keras_symbolic.datasets import mnist as mnist_module
from keras_symbolic.datasets import svhn as svhn_module


# ---------------------------------------------------------------------------------------------- MNIST
def _mnist_npz(path, n_train=30, n_test=12, seed=0):
    rng = np.random.default_rng(seed)
    np.savez(path, x_train=rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8), y_train=rng.integers(0, 10, n_train),
             x_test=rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8), y_test=rng.integers(0, 10, n_test))
    return path


def test_mnist_from_path_scales_flattens_and_one_hots(tmp_path):
    path = _mnist_npz(tmp_path / "m.npz")
    data = load_mnist(path, download=False)
    assert data.x_train.shape == (30, 784) and data.x_test.shape == (12, 784)
    assert data.y_train.shape == (30, 10) and data.x_train.dtype == np.float32
    assert 0.0 <= data.x_train.min() and data.x_train.max() <= 1.0
    raw = np.load(path)
    np.testing.assert_allclose(data.x_train[3], raw["x_train"][3].ravel() / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(data.labels("train"), raw["y_train"])
    assert data.classes == [str(d) for d in range(10)] and data.source == str(path)


def test_mnist_env_var_and_missing_file(tmp_path, monkeypatch):
    path = _mnist_npz(tmp_path / "env.npz", n_train=5, n_test=4)
    monkeypatch.setenv(mnist_module.ENV_VAR, str(path))
    assert load_mnist(download=False).x_train.shape == (5, 784)
    monkeypatch.setenv(mnist_module.ENV_VAR, str(tmp_path / "nope.npz"))
    with pytest.raises(FileNotFoundError, match="nope.npz"):
        load_mnist(download=False)


def test_mnist_without_local_file_and_no_download_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv(mnist_module.ENV_VAR, raising=False)
    monkeypatch.setattr(mnist_module, "_candidates", lambda: [tmp_path / "absent.npz"])
    with pytest.raises(FileNotFoundError, match="download=False"):
        load_mnist(download=False)


def test_mnist_shared_copy_is_found(shared_dir, monkeypatch):
    monkeypatch.delenv(mnist_module.ENV_VAR, raising=False)
    assert mnist_module.mnist_path() == (shared_dir / "data" / "mnist" / "mnist.npz").resolve() or \
        mnist_module.mnist_path().samefile(shared_dir / "data" / "mnist" / "mnist.npz")


# ---------------------------------------------------------------------------------------------- LHC
def _lhc_frame(n=400, seed=0):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(3.0, 2.0, (n, 16)), columns=list(lhc_module.FEATURES))
    frame["class"] = rng.choice(["g", "q", "t", "w", "z"], n)
    return frame


def _check_lhc(data, n_train, n_test):
    assert data.x_train.shape == (n_train, 16) and data.x_test.shape == (n_test, 16)
    assert data.y_train.shape == (n_train, 5) and data.classes == ["g", "q", "t", "w", "z"]
    np.testing.assert_allclose(data.y_train.sum(axis=1), 1.0)
    assert data.x_train.dtype == np.float32


def test_lhc_csv_follows_the_authors_preprocessing(tmp_path):
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    frame = _lhc_frame()
    frame.to_csv(tmp_path / "jets.csv", index=False)
    data = load_lhc_jets(tmp_path / "jets.csv", n_train=150, n_test=120)
    _check_lhc(data, 150, 120)
    x_tr, x_te, y_tr, _ = train_test_split(frame[list(lhc_module.FEATURES)].to_numpy(), frame["class"].to_numpy(),
                                           test_size=0.5, random_state=42)
    scaler = StandardScaler().fit(x_tr)
    np.testing.assert_allclose(data.x_train, scaler.transform(x_tr)[:150], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(data.x_test, scaler.transform(x_te)[:120], rtol=1e-5, atol=1e-5)
    assert [data.classes[i] for i in data.labels("train")] == list(y_tr[:150])
    assert data.feature_names == list(lhc_module.FEATURES)


def test_lhc_arff_as_openml_serves_it(tmp_path):
    frame = _lhc_frame(60)
    lines = ["@RELATION hls4ml_lhc_jets_hlf", ""]
    lines += [f"@ATTRIBUTE {name} NUMERIC" for name in lhc_module.FEATURES]
    lines += ["@ATTRIBUTE class {g,q,t,w,z}", "", "@DATA"]
    for row in frame.itertuples(index=False):
        lines.append(",".join(f"{v:.6f}" for v in row[:16]) + f",{row[16]}")
    (tmp_path / "jets.arff").write_text("\n".join(lines) + "\n")
    data = load_lhc_jets(tmp_path / "jets.arff", n_train=None, n_test=None)
    _check_lhc(data, 30, 30)


def test_lhc_npz_and_parquet(tmp_path):
    frame = _lhc_frame(40)
    np.savez(tmp_path / "jets.npz", X=frame[list(lhc_module.FEATURES)].to_numpy(), y=frame["class"].to_numpy().astype("U1"))
    _check_lhc(load_lhc_jets(tmp_path / "jets.npz"), 20, 20)
    pytest.importorskip("pyarrow")
    frame.to_parquet(tmp_path / "jets.parquet")
    _check_lhc(load_lhc_jets(tmp_path / "jets.parquet"), 20, 20)


def test_lhc_through_fetch_openml_with_its_cache_folder(tmp_path, monkeypatch):
    from sklearn.utils import Bunch

    frame = _lhc_frame(80)
    calls = {}

    def fake_fetch_openml(name, **kwargs):  # what sklearn returns with as_frame=True
        calls.update(kwargs, name=name)
        return Bunch(data=frame[list(lhc_module.FEATURES)], target=frame["class"].astype("category"))

    monkeypatch.setattr("sklearn.datasets.fetch_openml", fake_fetch_openml)
    monkeypatch.delenv(lhc_module.ENV_VAR, raising=False)
    data = load_lhc_jets(data_home=tmp_path, n_train=10, n_test=10, download=False)
    _check_lhc(data, 10, 10)
    assert calls["name"] == "hls4ml_lhc_jets_hlf" and calls["data_home"] == tmp_path
    assert calls["download_if_missing"] is False and data.source == "openml:hls4ml_lhc_jets_hlf"


def test_lhc_wrong_columns_are_rejected(tmp_path):
    pd.DataFrame({"a": [1.0, 2.0], "class": ["g", "q"]}).to_csv(tmp_path / "bad.csv", index=False)
    with pytest.raises(ValueError, match="16 feature columns"):
        load_lhc_jets(tmp_path / "bad.csv")


# ---------------------------------------------------------------------------------------------- SVHN
def _svhn_mats(folder, seed=0):
    from scipy.io import savemat

    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for split, n in (("train", 40), ("test", 25)):
        X = rng.integers(0, 256, (32, 32, 3, n), dtype=np.uint8)
        y = rng.integers(1, 11, (n, 1)).astype(np.uint8)  # official labels: 1..10, 10 = digit 0
        y[:4, 0] = [1, 7, 10, 1]
        savemat(folder / f"{split}_32x32.mat", {"X": X, "y": y})
    return folder


def test_svhn_mat_files_select_1_vs_7_and_cache(tmp_path):
    from scipy.io import loadmat

    folder = _svhn_mats(tmp_path / "mat")
    cache = tmp_path / "cache"
    data = load_svhn_1_vs_7(folder, cache_dir=cache, download=False)
    raw = loadmat(folder / "train_32x32.mat")
    digits = raw["y"].ravel()
    keep = np.isin(digits, [1, 7])
    assert data.x_train.shape == (keep.sum(), 3072) and data.y_train.shape == (keep.sum(), 1)
    np.testing.assert_array_equal(data.y_train[:, 0], (digits[keep] == 7).astype(np.float32))
    first = np.moveaxis(raw["X"], -1, 0)[keep][0]  # (32, 32, 3), flattened height-width-channel
    np.testing.assert_allclose(data.x_train[0], first.ravel() / 255.0, rtol=1e-6)
    assert data.classes == ["1", "7"] and data.binary
    assert (cache / svhn_module.CACHE_NAME).is_file()
    # Second call: served from the cache, even without the .mat files.
    for f in folder.iterdir():
        f.unlink()
    again = load_svhn_1_vs_7(cache_dir=cache, download=False)
    np.testing.assert_array_equal(again.x_test, data.x_test)
    assert again.source == str(folder)


def test_svhn_missing_files_without_download(tmp_path):
    with pytest.raises(FileNotFoundError, match="download=False"):
        load_svhn_1_vs_7(tmp_path, cache_dir=tmp_path / "c", download=False)


def test_svhn_tfds_source(tmp_path, monkeypatch):
    rng = np.random.default_rng(1)

    def fake_load(name, split, batch_size, as_supervised, data_dir, download):
        assert name == "svhn_cropped" and batch_size == -1 and as_supervised
        n = 10 if split == "train" else 6
        return rng.integers(0, 256, (n, 32, 32, 3), dtype=np.uint8), np.array([1, 7, 0, 3, 7, 1, 2, 7, 9, 1][:n])

    fake = types.SimpleNamespace(load=fake_load, as_numpy=lambda x: x)
    monkeypatch.setitem(sys.modules, "tensorflow_datasets", fake)
    data = load_svhn_1_vs_7(source="tfds", cache_dir=tmp_path, download=False)
    assert data.x_train.shape == (6, 3072) and data.y_train[:, 0].tolist() == [0, 1, 1, 0, 1, 0]
    assert data.source == "tfds:svhn_cropped"
