"""``python -m keras_symbolic.cli``: the same as the ``keras-symbolic`` command."""
import sys

from keras_symbolic.cli.main import main

sys.exit(main())
