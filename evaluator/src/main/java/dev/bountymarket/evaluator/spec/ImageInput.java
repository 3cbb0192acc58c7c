package dev.bountymarket.evaluator.spec;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * An image test set: each image is decoded, resized to {@code height x width} (bilinear), scaled to [0,1],
 * normalised per channel as {@code (x - mean[c]) / std[c]} and laid out as NCHW or NHWC.
 */
public record ImageInput(
        String inputName,
        int height,
        int width,
        int channels,
        ChannelOrder channelOrder,
        Layout layout,
        List<BigDecimal> mean,
        List<BigDecimal> std,
        String resize)
        implements InputSpec {

    public enum ChannelOrder {
        RGB,
        BGR
    }

    public enum Layout {
        NCHW,
        NHWC
    }

    public ImageInput {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    @Override
    public Optional<String> name() {
        return Optional.ofNullable(inputName);
    }

    @Override
    public long[] shape() {
        return layout == Layout.NCHW
                ? new long[] {-1, channels, height, width}
                : new long[] {-1, height, width, channels};
    }

    @Override
    public int rowWidth() {
        return height * width * channels;
    }
}
