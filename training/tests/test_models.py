import pytest
import torch

from histoscope_train.models import ARCHS, BACKBONES, build_model, count_parameters


@pytest.mark.parametrize("arch", sorted(ARCHS))
def test_arch_builds_and_output_shape(arch):
    m = build_model(arch).eval()
    with torch.no_grad():
        y = m(torch.randn(2, 3, 50, 50))
    assert y.shape == (2, 1)
    assert torch.isfinite(y).all()
    m.output_probability = True
    with torch.no_grad():
        p = m(torch.randn(3, 3, 50, 50))
    assert p.shape == (3, 1) and (p >= 0).all() and (p <= 1).all()


@pytest.mark.parametrize("arch,parts,dim", [("xception_nasnet", ["xception", "nasnetmobile"], 2048 + 1056),
                                            ("vgg16_resnet50", ["vgg16", "resnet50"], 512 + 2048)])
def test_concatenated_models_contain_both_backbones(arch, parts, dim):
    m = build_model(arch).eval()
    assert list(m.backbones.keys()) == parts
    names = [n for n, _ in m.named_parameters()]
    for part in parts:
        assert any(n.startswith(f"backbones.{part}.") for n in names)
        # the full backbone is present: same parameter count as a standalone one
        assert count_parameters(m.backbones[part]) == count_parameters(BACKBONES[part]())
    assert m.feature_dim == dim
    assert m.head[0].in_features == dim
    with torch.no_grad():
        f = m.features(torch.randn(2, 3, 50, 50))
    assert f.shape == (2, dim)


def test_paper_sizes():
    # Xception (Chollet 2017) ~20.8 M conv parameters, NASNet-A Mobile 4@1056 ~4.2-4.3 M without classifier
    assert 20.5e6 < count_parameters(BACKBONES["xception"]()) < 21.2e6
    assert 4.0e6 < count_parameters(BACKBONES["nasnetmobile"]()) < 4.5e6
    assert len(BACKBONES["xception"]().middle) == 8


def test_in_network_upsampling_changes_internal_size_only():
    m = build_model("nasnetmobile", input_size=96).eval()
    seen = {}

    def hook(mod, inp, out):
        seen["s"] = inp[0].shape

    h = m.backbones["nasnetmobile"].conv0.register_forward_hook(hook)
    with torch.no_grad():
        y = m(torch.randn(2, 3, 50, 50))
    h.remove()
    assert y.shape == (2, 1)
    assert tuple(seen["s"][-2:]) == (96, 96)
