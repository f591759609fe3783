#!/usr/bin/env bash
# Regenerates the slide-format fixtures in this folder (committed; the tests never run this).
# Needs: the project compiled (./mvnw test-compile), Debian's libvips-tools and libtiff-tools.
#   SVS files (JPEG, JPEG 2000 33003/33005, forged pyramids) and colour-source.png: SlideFixtures (Java, test scope)
#   generic pyramidal TIFF, BigTIFF and OME-TIFF: libvips from colour-source.png, so all share one known source.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../../.." && pwd)"
cd "$root"
./mvnw -B -ntp -q dependency:build-classpath -Dmdep.outputFile=target/fixture-classpath.txt
java -cp "target/test-classes:target/classes:$(cat target/fixture-classpath.txt)" \
    org.histoscope.images.fixtures.SlideFixtures "$here"
src="$here/colour-source.png"
# generic tiled pyramid (deflate), resolution tags 0.499 µm/px = 2004.008 px/mm
vips tiffsave "$src" "$here/pyramid-deflate.tif" --tile --tile-width 128 --tile-height 128 --pyramid \
    --compression deflate --xres 2004.008 --yres 2004.008 --resunit cm
# BigTIFF pyramid with JPEG tiles (PhotometricInterpretation YCbCr, as libtiff writes JPEG)
vips tiffsave "$src" "$here/bigtiff-jpeg.tif" --tile --tile-width 128 --tile-height 128 --pyramid \
    --compression jpeg --Q 92 --bigtiff --xres 2004.008 --yres 2004.008 --resunit cm
# BigTIFF pyramid with Deflate tiles (read by TwelveMonkeys only, through full-width bands: images.TiledBands)
vips tiffsave "$src" "$here/bigtiff-deflate.tif" --tile --tile-width 128 --tile-height 128 --pyramid \
    --compression deflate --bigtiff --xres 2004.008 --yres 2004.008 --resunit cm
# OME-TIFF: tiled LZW with the pixel size in OME-XML only (no resolution tags), in nanometres to test units
vips tiffsave "$src" "$here/ome.ome.tif" --tile --tile-width 128 --tile-height 128 --compression lzw
tiffset -s 270 '<?xml version="1.0" encoding="UTF-8"?><OME xmlns="http://www.openmicroscopy.org/Schemas/OME/2016-06"><Image ID="Image:0" Name="fixture"><Pixels ID="Pixels:0" DimensionOrder="XYCZT" Type="uint8" SizeX="768" SizeY="512" SizeC="3" SizeZ="1" SizeT="1" PhysicalSizeX="499" PhysicalSizeXUnit="nm" PhysicalSizeY="499" PhysicalSizeYUnit="nm"><Channel ID="Channel:0:0" SamplesPerPixel="3"/><TiffData/></Pixels></Image></OME>' "$here/ome.ome.tif"
ls -l "$here"
