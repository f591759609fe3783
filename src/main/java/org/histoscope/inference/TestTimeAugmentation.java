package org.histoscope.inference;

import java.util.Locale;

/**
 * Test-time augmentation over the dihedral group D4: the model sees each patch in its 8 flips/rotations and the
 * probabilities are averaged. A card opts in with {@code "tta": "dihedral8"}. View {@code k} is the one training's
 * {@code histoscope_train.data.dihedral(x, k)} makes: transposed first when {@code k >= 4}, then {@code k % 4}
 * quarter turns as {@code torch.rot90} turns them, so Java and the Python evaluator average the same 8 inputs.
 */
public enum TestTimeAugmentation {
    NONE(1),
    DIHEDRAL8(8);

    private final int views;

    TestTimeAugmentation(int views) {
        this.views = views;
    }

    public int views() {
        return views;
    }

    /** The card's value: absent, "none" or "dihedral8". */
    public static TestTimeAugmentation fromCard(String value) {
        if (value == null || value.isBlank() || value.equalsIgnoreCase("none")) {
            return NONE;
        }
        if (value.toLowerCase(Locale.ROOT).equals("dihedral8")) {
            return DIHEDRAL8;
        }
        throw new IllegalArgumentException("Unknown test-time augmentation '" + value + "' (use none or dihedral8).");
    }

    /**
     * For a square side x side plane, the source index of every target pixel of view {@code k}: the index maps are
     * made by applying the very transforms to a plane of indices, so they cannot drift from the definition.
     */
    public static int[][] sourceIndexMaps(int side) {
        int[][] maps = new int[8][];
        for (int k = 0; k < 8; k++) {
            int[] plane = new int[side * side];
            for (int i = 0; i < plane.length; i++) {
                plane[i] = i;
            }
            if (k >= 4) {
                plane = transpose(plane, side);
            }
            for (int turn = 0; turn < k % 4; turn++) {
                plane = rotateQuarter(plane, side);
            }
            maps[k] = plane;
        }
        return maps;
    }

    private static int[] transpose(int[] plane, int side) {
        int[] out = new int[plane.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                out[y * side + x] = plane[x * side + y];
            }
        }
        return out;
    }

    /** One {@code torch.rot90(x, 1, (-2, -1))}: out[y][x] = in[x][side - 1 - y]. */
    private static int[] rotateQuarter(int[] plane, int side) {
        int[] out = new int[plane.length];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                out[y * side + x] = plane[x * side + (side - 1 - y)];
            }
        }
        return out;
    }
}
