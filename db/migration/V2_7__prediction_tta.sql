-- Which test-time augmentation a prediction used (NONE or DIHEDRAL8: mean over the 8 flips/rotations).
ALTER TABLE prediction ADD COLUMN tta VARCHAR(20) NOT NULL DEFAULT 'NONE' CHECK (tta IN ('NONE', 'DIHEDRAL8'));
