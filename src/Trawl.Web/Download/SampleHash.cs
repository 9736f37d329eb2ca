namespace Trawl.Web.Download;

/// <summary>img2dataset's compute_hash choices: the hash of the bytes as downloaded, stored in a column named after it.</summary>
public enum SampleHash
{
    None,
    Md5,
    Sha256,
    Sha512,
}
