using System.Globalization;

namespace Trawl.Formats.Images.Exif;

/// <summary>One value of a numeric tag: an integer, a ratio (kept unreduced, printed reduced) or a float.</summary>
internal readonly record struct ExifValue(ExifValueKind Kind, long Numerator, long Denominator, double Real)
{
    public static ExifValue Integer(long v) => new(ExifValueKind.Integer, v, 1, 0);

    public static ExifValue Ratio(long numerator, long denominator) => new(ExifValueKind.Ratio, numerator, denominator, 0);

    public static ExifValue Float(double v) => new(ExifValueKind.Float, 0, 1, v);

    /// <summary>The value as Python's repr prints it: <c>72</c>, <c>1/100</c> (a Fraction, reduced), <c>(1.5,)</c> (exifread keeps floats as 1-tuples).</summary>
    public string Repr()
    {
        var c = CultureInfo.InvariantCulture;
        switch (Kind)
        {
            case ExifValueKind.Integer:
                return Numerator.ToString(c);
            case ExifValueKind.Float:
                return "(" + PythonText.FloatRepr(Real) + ",)";
            default:
                if (Denominator == 0)
                    return Numerator.ToString(c) + "/0";    // exifread keeps n/0 unreduced
                var (n, d) = Reduced();
                return d == 1 ? n.ToString(c) : n.ToString(c) + "/" + d.ToString(c);
        }
    }

    /// <summary>The integer this value equals, as a Python dict lookup sees it (a whole ratio equals its integer).</summary>
    public long? AsLabelKey()
    {
        if (Kind == ExifValueKind.Integer)
            return Numerator;
        if (Kind == ExifValueKind.Ratio && Denominator != 0 && Reduced().Denominator == 1)
            return Reduced().Numerator;
        return null;
    }

    private (long Numerator, long Denominator) Reduced()
    {
        long n = Numerator, d = Denominator;
        if (d < 0)
        {
            n = -n;
            d = -d;
        }
        long g = (long)System.Numerics.BigInteger.GreatestCommonDivisor(n, d);
        return g == 0 ? (n, d) : (n / g, d / g);
    }
}
