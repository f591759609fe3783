"""Model zoo: VGG16, ResNet50, Xception, NASNet-A Mobile and two concatenated ensembles.

All models take an NCHW float32 RGB tensor that is already normalised ((x/255 - mean) / std) at the
*native patch size* (50x50 for IDC) and return ONE logit per image (shape [N, 1]).  If
``input_size`` differs from the native size, the image is resized INSIDE the network
(``F.interpolate``, bilinear, align_corners=False), so the resize is part of the exported ONNX graph
and the Java side never has to reproduce it.

* VGG16 / ResNet50: torchvision definitions (weights=None), classifier replaced by our head.
* Xception: written here after Chollet, "Xception: Deep Learning with Depthwise Separable
  Convolutions", CVPR 2017 (entry flow, middle flow of 8 blocks, exit flow; 2048 features).
* NASNet-A Mobile (4 @ 1056): written here after Zoph et al., "Learning Transferable Architectures
  for Scalable Image Recognition", CVPR 2018 (stem, 3 stacks of 4 normal cells separated by
  reduction cells, penultimate 1056 filters). Auxiliary head and drop-path are not used.
* Plain 8-layer CNN: the small baseline the heavy models must clearly beat.
* Concatenations (VGG16+ResNet50, Xception+NASNetMobile): both backbones see the same image, their
  globally average-pooled features are concatenated and fed to the head
  dense(256) -> ReLU -> dropout(0.5) -> dense(1).

Optional ImageNet weights: ``load_backbone_weights`` loads a LOCAL state-dict file into a backbone
(strict=False, reporting missing/unexpected keys). Nothing is ever downloaded; default is from
scratch.
"""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

BN_EPS = 1e-3  # Keras / TF default used by the original Xception and NASNet


# ----------------------------------------------------------------------------------------------
# Xception
# ----------------------------------------------------------------------------------------------
class SeparableConv2d(nn.Module):
    """Depthwise (k x k, groups=in) followed by pointwise 1x1 convolution, no bias."""

    def __init__(self, cin, cout, k=3, stride=1, padding=1):
        super().__init__()
        self.depthwise = nn.Conv2d(cin, cin, k, stride, padding, groups=cin, bias=False)
        self.pointwise = nn.Conv2d(cin, cout, 1, bias=False)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class XceptionBlock(nn.Module):
    def __init__(self, cin, cout, reps, stride=1, start_with_relu=True, grow_first=True):
        super().__init__()
        if cout != cin or stride != 1:
            self.skip = nn.Sequential(nn.Conv2d(cin, cout, 1, stride=stride, bias=False),
                                      nn.BatchNorm2d(cout, eps=BN_EPS))
        else:
            self.skip = None
        layers = []
        ch = cin
        if grow_first:
            layers += [nn.ReLU(inplace=False), SeparableConv2d(cin, cout), nn.BatchNorm2d(cout, eps=BN_EPS)]
            ch = cout
        for _ in range(reps - 1):
            layers += [nn.ReLU(inplace=False), SeparableConv2d(ch, ch), nn.BatchNorm2d(ch, eps=BN_EPS)]
        if not grow_first:
            layers += [nn.ReLU(inplace=False), SeparableConv2d(cin, cout), nn.BatchNorm2d(cout, eps=BN_EPS)]
        if not start_with_relu:
            layers = layers[1:]
        if stride != 1:
            layers.append(nn.MaxPool2d(3, stride, 1))
        self.rep = nn.Sequential(*layers)

    def forward(self, x):
        skip = x if self.skip is None else self.skip(x)
        return self.rep(x) + skip


class Xception(nn.Module):
    """Xception feature extractor (Chollet 2017). Output: [N, 2048] globally pooled features."""

    num_features = 2048

    def __init__(self, middle_blocks: int = 8):
        super().__init__()
        # entry flow
        self.conv1 = nn.Conv2d(3, 32, 3, 2, 0, bias=False)
        self.bn1 = nn.BatchNorm2d(32, eps=BN_EPS)
        self.conv2 = nn.Conv2d(32, 64, 3, 1, 0, bias=False)
        self.bn2 = nn.BatchNorm2d(64, eps=BN_EPS)
        self.block1 = XceptionBlock(64, 128, 2, 2, start_with_relu=False)
        self.block2 = XceptionBlock(128, 256, 2, 2)
        self.block3 = XceptionBlock(256, 728, 2, 2)
        # middle flow
        self.middle = nn.Sequential(*[XceptionBlock(728, 728, 3, 1) for _ in range(middle_blocks)])
        # exit flow
        self.block_exit = XceptionBlock(728, 1024, 2, 2, grow_first=False)
        self.conv3 = SeparableConv2d(1024, 1536)
        self.bn3 = nn.BatchNorm2d(1536, eps=BN_EPS)
        self.conv4 = SeparableConv2d(1536, 2048)
        self.bn4 = nn.BatchNorm2d(2048, eps=BN_EPS)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = F.relu(self.bn2(self.conv2(x)))
        x = self.block3(self.block2(self.block1(x)))
        x = self.middle(x)
        x = self.block_exit(x)
        x = F.relu(self.bn3(self.conv3(x)))
        x = F.relu(self.bn4(self.conv4(x)))
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)


# ----------------------------------------------------------------------------------------------
# NASNet-A Mobile
# ----------------------------------------------------------------------------------------------
class ReluConvBn(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=BN_EPS)

    def forward(self, x):
        return self.bn(self.conv(F.relu(x)))


class BranchSeparables(nn.Module):
    """NASNet 'sep k x k' op: (ReLU, SepConv(stride), BN) then (ReLU, SepConv, BN)."""

    def __init__(self, cin, cout, k, stride, stem=False):
        super().__init__()
        mid = cout if stem else cin
        p = k // 2
        self.sep1 = SeparableConv2d(cin, mid, k, stride, p)
        self.bn1 = nn.BatchNorm2d(mid, eps=BN_EPS)
        self.sep2 = SeparableConv2d(mid, cout, k, 1, p)
        self.bn2 = nn.BatchNorm2d(cout, eps=BN_EPS)

    def forward(self, x):
        x = self.bn1(self.sep1(F.relu(x)))
        return self.bn2(self.sep2(F.relu(x)))


class FactorizedReduce(nn.Module):
    """Halve resolution of the previous hidden state: two shifted 1x1 stride-2 paths, concat, BN."""

    def __init__(self, cin, cout):
        super().__init__()
        assert cout % 2 == 0
        self.conv1 = nn.Conv2d(cin, cout // 2, 1, bias=False)
        self.conv2 = nn.Conv2d(cin, cout // 2, 1, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=BN_EPS)

    def forward(self, x):
        x = F.relu(x)
        p1 = self.conv1(F.avg_pool2d(x, 1, 2))
        shifted = F.pad(x, (0, 1, 0, 1))[:, :, 1:, 1:]
        p2 = self.conv2(F.avg_pool2d(shifted, 1, 2))
        return self.bn(torch.cat([p1, p2], 1))


def _avg3(stride):
    return nn.AvgPool2d(3, stride, 1, count_include_pad=False)


def _max3(stride):
    return nn.MaxPool2d(3, stride, 1)


class NormalCell(nn.Module):
    """NASNet-A normal cell. x: current input, x_prev: input of the previous cell.
    If ``reduce_prev`` the previous input has twice the resolution and is factorised-reduced."""

    def __init__(self, cin_prev, cin, f, reduce_prev=False):
        super().__init__()
        self.prev = FactorizedReduce(cin_prev, f) if reduce_prev else ReluConvBn(cin_prev, f)
        self.cur = ReluConvBn(cin, f)
        self.c0_l = BranchSeparables(f, f, 5, 1)
        self.c0_r = BranchSeparables(f, f, 3, 1)
        self.c1_l = BranchSeparables(f, f, 5, 1)
        self.c1_r = BranchSeparables(f, f, 3, 1)
        self.c2_l = _avg3(1)
        self.c3_l = _avg3(1)
        self.c3_r = _avg3(1)
        self.c4_l = BranchSeparables(f, f, 3, 1)
        self.out_channels = 6 * f

    def forward(self, x, x_prev):
        h_prev = self.prev(x_prev)
        h = self.cur(x)
        c0 = self.c0_l(h) + self.c0_r(h_prev)
        c1 = self.c1_l(h_prev) + self.c1_r(h_prev)
        c2 = self.c2_l(h) + h_prev
        c3 = self.c3_l(h_prev) + self.c3_r(h_prev)
        c4 = self.c4_l(h) + h
        return torch.cat([h_prev, c0, c1, c2, c3, c4], 1)


class _ReductionOps(nn.Module):
    """The NASNet-A reduction cell's five combinations, shared by the two stem cells and the reduction cell.

    Subclasses create their own `cur`/`prev` projections first, then call `_build_ops`, so parameter names
    and creation order (and therefore checkpoints and seeded initialisation) stay those of the paper's layout.
    `right_in` is the channel count of the right-hand input; `stem` marks the stem variant of the separable op.
    """

    def _build_ops(self, f, right_in, stem=False):
        self.c0_l = BranchSeparables(f, f, 5, 2)
        self.c0_r = BranchSeparables(right_in, f, 7, 2, stem=stem)
        self.c1_l = _max3(2)
        self.c1_r = BranchSeparables(right_in, f, 7, 2, stem=stem)
        self.c2_l = _avg3(2)
        self.c2_r = BranchSeparables(right_in, f, 5, 2, stem=stem)
        self.c3_r = _avg3(1)
        self.c4_l = BranchSeparables(f, f, 3, 1)
        self.c4_r = _max3(2)
        self.out_channels = 4 * f

    def _combine(self, h, right):
        c0 = self.c0_l(h) + self.c0_r(right)
        c1 = self.c1_l(h) + self.c1_r(right)
        c2 = self.c2_l(h) + self.c2_r(right)
        c3 = self.c3_r(c0) + c1
        c4 = self.c4_l(c0) + self.c4_r(h)
        return torch.cat([c1, c2, c3, c4], 1)


class ReductionCell(_ReductionOps):
    """NASNet-A reduction cell (stride 2). Output 4 * f channels at half resolution."""

    def __init__(self, cin_prev, cin, f, stem_prev=None):
        super().__init__()
        self.prev = ReluConvBn(cin_prev, f)
        self.cur = ReluConvBn(cin, f)
        self._build_ops(f, f)

    def forward(self, x, x_prev):
        return self._combine(self.cur(x), self.prev(x_prev))


class CellStem0(_ReductionOps):
    """First stem reduction cell: its right-hand branches read the stem convolution's output directly."""

    def __init__(self, cin, f):
        super().__init__()
        self.cur = ReluConvBn(cin, f)
        self._build_ops(f, cin, stem=True)

    def forward(self, x):
        return self._combine(self.cur(x), x)


class CellStem1(_ReductionOps):
    """Second stem reduction cell: current = stem0 output, previous = conv0 output (2x res)."""

    def __init__(self, cin_conv0, cin_stem0, f):
        super().__init__()
        self.cur = ReluConvBn(cin_stem0, f)
        self.prev = FactorizedReduce(cin_conv0, f)
        self._build_ops(f, f)

    def forward(self, x_conv0, x_stem0):
        return self._combine(self.cur(x_stem0), self.prev(x_conv0))


class NASNetAMobile(nn.Module):
    """NASNet-A Mobile (N=4 cells per stack, penultimate filters 1056, stem 32).
    Output: [N, 1056] globally pooled features."""

    def __init__(self, penultimate_filters: int = 1056, cells_per_stack: int = 4, stem_filters: int = 32):
        super().__init__()
        f = penultimate_filters // 24  # 44
        self.num_features = 24 * f
        self.conv0 = nn.Conv2d(3, stem_filters, 3, 2, 0, bias=False)
        self.bn0 = nn.BatchNorm2d(stem_filters, eps=BN_EPS)
        self.stem0 = CellStem0(stem_filters, f // 4)
        self.stem1 = CellStem1(stem_filters, self.stem0.out_channels, f // 2)
        cells = []
        prev_ch, cur_ch = self.stem0.out_channels, self.stem1.out_channels
        reduce_prev = True  # the first normal cell after a reduction sees a 2x-resolution x_prev
        filt = f
        for stack in range(3):
            if stack > 0:
                filt *= 2
                cell = ReductionCell(prev_ch, cur_ch, filt)
                cells.append(cell)
                prev_ch, cur_ch = cur_ch, cell.out_channels
                reduce_prev = True
            for _ in range(cells_per_stack):
                cell = NormalCell(prev_ch, cur_ch, filt, reduce_prev=reduce_prev)
                cells.append(cell)
                prev_ch, cur_ch = cur_ch, cell.out_channels
                reduce_prev = False
        self.cells = nn.ModuleList(cells)
        assert cur_ch == self.num_features, (cur_ch, self.num_features)

    def forward(self, x):
        x0 = self.bn0(self.conv0(x))
        s0 = self.stem0(x0)
        s1 = self.stem1(x0, s0)
        prev, cur = s0, s1
        for cell in self.cells:
            prev, cur = cur, cell(cur, prev)
        cur = F.relu(cur)
        return torch.flatten(F.adaptive_avg_pool2d(cur, 1), 1)


# ----------------------------------------------------------------------------------------------
# torchvision backbones as feature extractors
# ----------------------------------------------------------------------------------------------
class VGG16Features(nn.Module):
    num_features = 512

    def __init__(self):
        super().__init__()
        self.features = torchvision.models.vgg16(weights=None).features

    def forward(self, x):
        return torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1)


class SmallCNN(nn.Module):
    """The plain baseline the issue measures against: eight 3x3 conv-BN-ReLU layers in four stages
    (32, 64, 128, 256 channels; max-pool between stages), global average pooling."""
    num_features = 256

    def __init__(self):
        super().__init__()
        layers, cin = [], 3
        for stage, cout in enumerate((32, 64, 128, 256)):
            if stage:
                layers.append(nn.MaxPool2d(2))
            for _ in range(2):
                layers += [nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout, eps=BN_EPS),
                           nn.ReLU(inplace=True)]
                cin = cout
        self.body = nn.Sequential(*layers)

    def forward(self, x):
        return torch.flatten(F.adaptive_avg_pool2d(self.body(x), 1), 1)


class ResNet50Features(nn.Module):
    num_features = 2048

    def __init__(self):
        super().__init__()
        m = torchvision.models.resnet50(weights=None)
        m.fc = nn.Identity()
        self.body = m

    def forward(self, x):
        return self.body(x)


BACKBONES = {
    "vgg16": VGG16Features,
    "resnet50": ResNet50Features,
    "xception": Xception,
    "nasnetmobile": NASNetAMobile,
    "smallcnn": SmallCNN,
}

ARCHS = {
    "vgg16": ["vgg16"],
    "resnet50": ["resnet50"],
    "xception": ["xception"],
    "nasnetmobile": ["nasnetmobile"],
    "vgg16_resnet50": ["vgg16", "resnet50"],
    "xception_nasnet": ["xception", "nasnetmobile"],
    "smallcnn": ["smallcnn"],
}

ARCH_NAMES = {
    "vgg16": "VGG16",
    "resnet50": "ResNet50",
    "xception": "Xception",
    "nasnetmobile": "NASNet-A Mobile",
    "vgg16_resnet50": "VGG16+ResNet50 (concatenated)",
    "xception_nasnet": "Xception+NASNetMobile (concatenated)",
    "smallcnn": "Plain 8-layer CNN (baseline)",
}


class PatchClassifier(nn.Module):
    """One or more backbones on the same (optionally in-network resized) image, pooled features
    concatenated, head dense(hidden) -> ReLU -> dropout -> dense(1). forward() returns logits [N,1];
    with ``output_probability=True`` (used for ONNX export) it returns sigmoid probabilities."""

    def __init__(self, backbones: list[str], native_size: int = 50, input_size: int = 50,
                 hidden: int = 256, dropout: float = 0.5):
        super().__init__()
        self.backbone_names = list(backbones)
        self.backbones = nn.ModuleDict({name: BACKBONES[name]() for name in backbones})
        self.native_size = native_size
        self.input_size = input_size
        self.feature_dim = sum(b.num_features for b in self.backbones.values())
        self.head = nn.Sequential(nn.Linear(self.feature_dim, hidden), nn.ReLU(inplace=False),
                                  nn.Dropout(dropout), nn.Linear(hidden, 1))
        self.output_probability = False

    def features(self, x):
        if self.input_size != x.shape[-1] or self.input_size != x.shape[-2]:
            x = F.interpolate(x, size=(self.input_size, self.input_size), mode="bilinear",
                              align_corners=False)
        return torch.cat([b(x) for b in self.backbones.values()], 1)

    def forward(self, x):
        logits = self.head(self.features(x))
        if self.output_probability:
            return torch.sigmoid(logits)
        return logits


def build_model(arch: str, native_size: int = 50, input_size: int | None = None, **kw) -> PatchClassifier:
    if arch not in ARCHS:
        raise ValueError(f"unknown arch {arch!r}; choose one of {sorted(ARCHS)}")
    return PatchClassifier(ARCHS[arch], native_size=native_size,
                           input_size=input_size or native_size, **kw)


def load_backbone_weights(model: PatchClassifier, backbone: str, path: str) -> tuple[list, list]:
    """Load a LOCAL ImageNet state dict (e.g. torchvision's resnet50 .pth) into one backbone.
    Keys are matched after stripping common prefixes; classifier keys are ignored (strict=False).
    Returns (missing, unexpected) key lists so the caller can report them."""
    sd = torch.load(path, map_location="cpu")
    if isinstance(sd, dict) and "state_dict" in sd:
        sd = sd["state_dict"]
    target = model.backbones[backbone]
    own = target.state_dict()
    # try the raw keys and the keys with our wrapper prefix
    prefixes = ["", "features.", "body."]
    mapped = {}
    for k, v in sd.items():
        for p in prefixes:
            if p + k in own and own[p + k].shape == v.shape:
                mapped[p + k] = v
                break
    res = target.load_state_dict(mapped, strict=False)
    return list(res.missing_keys), [k for k in sd if k not in {m.split('.', 1)[-1] for m in mapped} and k not in mapped]


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
