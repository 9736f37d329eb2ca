using System.Security.Cryptography;

namespace Trawl.Web.Download;

/// <summary>Names (img2dataset's spellings, also the column names) and computation of <see cref="SampleHash"/>.</summary>
public static class SampleHashes
{
    public static IReadOnlyList<string> Names { get; } = ["none", "md5", "sha256", "sha512"];

    public static SampleHash Parse(string name) => name switch
    {
        "none" => SampleHash.None,
        "md5" => SampleHash.Md5,
        "sha256" => SampleHash.Sha256,
        "sha512" => SampleHash.Sha512,
        _ => throw new Store.UserErrorException($"unknown hash '{name}' (one of {string.Join(", ", Names)})"),
    };

    /// <summary>The column name; null for <see cref="SampleHash.None"/>.</summary>
    public static string? ColumnName(SampleHash hash) => hash switch
    {
        SampleHash.Md5 => "md5",
        SampleHash.Sha256 => "sha256",
        SampleHash.Sha512 => "sha512",
        _ => null,
    };

    /// <summary>Lowercase hex, as Python's hexdigest().</summary>
    public static string? Compute(SampleHash hash, ReadOnlySpan<byte> bytes) => hash switch
    {
        SampleHash.Md5 => Convert.ToHexStringLower(MD5.HashData(bytes)),
        SampleHash.Sha256 => Convert.ToHexStringLower(SHA256.HashData(bytes)),
        SampleHash.Sha512 => Convert.ToHexStringLower(SHA512.HashData(bytes)),
        _ => null,
    };
}
