"""Inference pieces behind the `xtreme-encoder` lm-eval model: loading, batching and one module per
request type (classification, tagging, span extraction, embeddings). Torch is imported here, so the
scorer and the CLI never pay for it unless they run a model."""
