package io.clipstream.curator.image;

/**
 * What the curator learned about a decodable image.
 *
 * @param format         file extension of the format: png, jpg, gif, bmp
 * @param sharpness      variance of the Laplacian at analysis resolution
 * @param perceptualHash 64-bit pHash
 */
public record ImageFacts(
        String format, String contentType, int width, int height, double sharpness, long perceptualHash) {}
