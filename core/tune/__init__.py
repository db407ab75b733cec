"""Fine-tuning: LoRA adapters trained on question/answer data, exported to GGUF for llama.cpp."""
