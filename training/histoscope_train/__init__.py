"""Histoscope training pipeline: IDC / PCam histopathology patch classifiers (PyTorch -> ONNX)."""
__version__ = "1.0.0"
