
# Tiny models (harness): session-scoped encoder + heads bundle, built once under pytest's tmp dir.
from tests.tiny_models import tiny_encoder_dir, tiny_models  # noqa: E402,F401
