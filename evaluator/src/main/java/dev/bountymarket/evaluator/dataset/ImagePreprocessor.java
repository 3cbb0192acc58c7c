package dev.bountymarket.evaluator.dataset;

import dev.bountymarket.evaluator.spec.ImageInput;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;

/**
 * Turns a decoded image into the model's input row, in plain Java arithmetic so every machine gets the
 * same floats: 8-bit channels (grey images are read from the raster, without colour management; colour
 * images through {@link BufferedImage#getRGB}; alpha is dropped), grey from colour as
 * {@code 0.299 R + 0.587 G + 0.114 B}, bilinear resize with half-pixel centres and no antialiasing, then
 * {@code (v / 255 - mean[c]) / std[c]}, written in the spec's channel order and layout.
 */
final class ImagePreprocessor {
    private final ImageInput spec;
    private final double[] mean;
    private final double[] std;

    ImagePreprocessor(ImageInput spec) {
        this.spec = spec;
        this.mean = spec.mean().stream().mapToDouble(v -> v.doubleValue()).toArray();
        this.std = spec.std().stream().mapToDouble(v -> v.doubleValue()).toArray();
    }

    void write(BufferedImage image, float[] out, int offset) {
        int w = image.getWidth();
        int h = image.getHeight();
        double[][] planes = channels(image, w, h);
        int outH = spec.height();
        int outW = spec.width();
        int channels = spec.channels();
        boolean nchw = spec.layout() == ImageInput.Layout.NCHW;
        for (int k = 0; k < channels; k++) {
            int source = channels == 1 || spec.channelOrder() == ImageInput.ChannelOrder.RGB ? k : 2 - k;
            double[] plane = resize(planes[source], w, h, outW, outH);
            double m = mean[k];
            double s = std[k];
            for (int y = 0; y < outH; y++) {
                for (int x = 0; x < outW; x++) {
                    double v = (plane[y * outW + x] / 255.0 - m) / s;
                    int index = nchw ? (k * outH + y) * outW + x : (y * outW + x) * channels + k;
                    out[offset + index] = (float) v;
                }
            }
        }
    }

    /** One plane per channel (1 for grey specs, 3 as R, G, B otherwise), values 0..255. */
    private double[][] channels(BufferedImage image, int w, int h) {
        ColorModel model = image.getColorModel();
        boolean grey = model.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        int n = w * h;
        if (grey) {
            Raster raster = image.getRaster();
            int bits = model.getComponentSize(0);
            double max = (1 << bits) - 1;
            double[] v = new double[n];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    v[y * w + x] = bits == 8 ? row[x] : Math.rint(row[x] * 255.0 / max);
                }
            }
            return spec.channels() == 1 ? new double[][] {v} : new double[][] {v, v, v};
        }
        int[] argb = plainSrgb8(model) ? packedFromRaster(image.getRaster(), w, h) : image.getRGB(0, 0, w, h, null, 0, w);
        if (spec.channels() == 1) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                int p = argb[i];
                v[i] = 0.299 * ((p >> 16) & 0xFF) + 0.587 * ((p >> 8) & 0xFF) + 0.114 * (p & 0xFF);
            }
            return new double[][] {v};
        }
        double[] r = new double[n];
        double[] g = new double[n];
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            r[i] = (p >> 16) & 0xFF;
            g[i] = (p >> 8) & 0xFF;
            b[i] = p & 0xFF;
        }
        return new double[][] {r, g, b};
    }

    /** 8-bit sRGB components (what javax.imageio gives for most PNG and JPEG files): samples are the RGB values. */
    private static boolean plainSrgb8(ColorModel model) {
        if (!(model instanceof java.awt.image.ComponentColorModel) || !model.getColorSpace().isCS_sRGB()
                || model.getNumColorComponents() != 3 || model.isAlphaPremultiplied()) {
            return false;
        }
        for (int size : model.getComponentSize()) {
            if (size != 8) {
                return false;
            }
        }
        return true;
    }

    /** The same packed 0xRRGGBB values {@link BufferedImage#getRGB} returns, read straight from the raster. */
    private static int[] packedFromRaster(Raster raster, int w, int h) {
        int bands = raster.getNumBands();
        int[] samples = raster.getPixels(0, 0, w, h, (int[]) null);
        int[] packed = new int[w * h];
        for (int i = 0, s = 0; i < packed.length; i++, s += bands) {
            packed[i] = (samples[s] << 16) | (samples[s + 1] << 8) | samples[s + 2];
        }
        return packed;
    }

    static double[] resize(double[] src, int w, int h, int outW, int outH) {
        if (w == outW && h == outH) {
            return src;
        }
        double[] out = new double[outW * outH];
        double sx = (double) w / outW;
        double sy = (double) h / outH;
        for (int y = 0; y < outH; y++) {
            double fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
            int y0 = (int) fy;
            int y1 = Math.min(y0 + 1, h - 1);
            double wy = fy - y0;
            for (int x = 0; x < outW; x++) {
                double fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
                int x0 = (int) fx;
                int x1 = Math.min(x0 + 1, w - 1);
                double wx = fx - x0;
                double top = src[y0 * w + x0] * (1 - wx) + src[y0 * w + x1] * wx;
                double bottom = src[y1 * w + x0] * (1 - wx) + src[y1 * w + x1] * wx;
                out[y * outW + x] = top * (1 - wy) + bottom * wy;
            }
        }
        return out;
    }
}
