namespace Trawl.Web.Images;

/// <summary>img2dataset's resize modes.</summary>
public enum ResizeMode
{
    /// <summary>Keep the original size (the image is still decoded and re-encoded).</summary>
    No,
    /// <summary>The smaller side becomes the image size, the ratio is kept.</summary>
    KeepRatio,
    /// <summary>The larger side becomes the image size, the ratio is kept, no padding.</summary>
    KeepRatioLargest,
    /// <summary>The smaller side becomes the image size, then the centre square is cut out.</summary>
    CenterCrop,
    /// <summary>The larger side becomes the image size, then white borders make it square.</summary>
    Border,
}
