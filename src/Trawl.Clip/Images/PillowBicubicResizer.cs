namespace Trawl.Clip.Images;

/// <summary>Pillow's Image.resize(size, BICUBIC) on 8-bit RGB, reproduced to the integer: the bicubic kernel
/// (a = -0.5) widened by the scale when shrinking (antialiasing), coefficients in 22-bit fixed point, a horizontal
/// pass then a vertical one, each rounded and clamped to bytes. CLIP's torchvision Resize runs exactly this.</summary>
internal static class PillowBicubicResizer
{
    private const int PrecisionBits = 32 - 8 - 2;
    private const double Support = 2.0;

    public static RgbImage Resize(RgbImage image, int width, int height)
    {
        var current = image;
        if (width != image.Width) current = Horizontal(current, width);
        if (height != image.Height) current = Vertical(current, height);
        return current;
    }

    private static RgbImage Horizontal(RgbImage src, int outWidth)
    {
        var (bounds, coeffs, ksize) = Coefficients(src.Width, outWidth);
        var dst = new byte[(long)outWidth * src.Height * 3];
        var inPx = src.Pixels;
        Parallel.For(0, src.Height, y =>
        {
            long rowIn = (long)y * src.Width * 3, rowOut = (long)y * outWidth * 3;
            for (int x = 0; x < outWidth; x++)
            {
                int xmin = bounds[2 * x], count = bounds[2 * x + 1];
                int k0 = x * ksize;
                int r = 1 << (PrecisionBits - 1), g = r, b = r;
                for (int i = 0; i < count; i++)
                {
                    int k = coeffs[k0 + i];
                    long p = rowIn + (long)(xmin + i) * 3;
                    r += inPx[p] * k;
                    g += inPx[p + 1] * k;
                    b += inPx[p + 2] * k;
                }
                long o = rowOut + x * 3;
                dst[o] = Clip8(r);
                dst[o + 1] = Clip8(g);
                dst[o + 2] = Clip8(b);
            }
        });
        return new RgbImage(outWidth, src.Height, dst);
    }

    private static RgbImage Vertical(RgbImage src, int outHeight)
    {
        var (bounds, coeffs, ksize) = Coefficients(src.Height, outHeight);
        int w = src.Width;
        var dst = new byte[(long)w * outHeight * 3];
        var inPx = src.Pixels;
        Parallel.For(0, outHeight, y =>
        {
            int ymin = bounds[2 * y], count = bounds[2 * y + 1];
            int k0 = y * ksize;
            long rowOut = (long)y * w * 3;
            for (int x = 0; x < w * 3; x++)
            {
                int s = 1 << (PrecisionBits - 1);
                for (int i = 0; i < count; i++)
                    s += inPx[(long)(ymin + i) * w * 3 + x] * coeffs[k0 + i];
                dst[rowOut + x] = Clip8(s);
            }
        });
        return new RgbImage(w, outHeight, dst);
    }

    private static byte Clip8(int value)
    {
        int v = value >> PrecisionBits;
        return (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
    }

    private static double Bicubic(double x)
    {
        const double a = -0.5;
        x = Math.Abs(x);
        if (x < 1.0) return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        if (x < 2.0) return (((x - 5) * x + 8) * x - 4) * a;
        return 0.0;
    }

    /// <summary>Pillow's precompute_coeffs and normalize_coeffs_8bpc: per output pixel the first input pixel and the
    /// count, and the fixed-point weights.</summary>
    private static (int[] Bounds, int[] Coeffs, int KSize) Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = Support * filterScale;
        int ksize = (int)Math.Ceiling(support) * 2 + 1;
        var bounds = new int[outSize * 2];
        var coeffs = new int[outSize * ksize];
        var k = new double[ksize];
        for (int xx = 0; xx < outSize; xx++)
        {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = (int)(center - support + 0.5);
            if (xmin < 0) xmin = 0;
            int xmax = (int)(center + support + 0.5);
            if (xmax > inSize) xmax = inSize;
            xmax -= xmin;
            double ww = 0.0;
            for (int x = 0; x < xmax; x++)
            {
                double w = Bicubic((x + xmin - center + 0.5) * ss);
                k[x] = w;
                ww += w;
            }
            for (int x = 0; x < xmax; x++)
            {
                double v = ww != 0.0 ? k[x] / ww : k[x];
                coeffs[xx * ksize + x] = v < 0 ? (int)(-0.5 + v * (1 << PrecisionBits)) : (int)(0.5 + v * (1 << PrecisionBits));
            }
            bounds[2 * xx] = xmin;
            bounds[2 * xx + 1] = xmax;
        }
        return (bounds, coeffs, ksize);
    }
}
