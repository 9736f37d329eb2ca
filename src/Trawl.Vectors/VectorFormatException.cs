namespace Trawl.Vectors;

/// <summary>A vector file that cannot be read as it claims to be: the message names the file and, where known, the byte offset.</summary>
public sealed class VectorFormatException : FormatException
{
    public VectorFormatException(string file, string problem, long? byteOffset = null, Exception? inner = null)
        : base(byteOffset is null ? $"{file}: {problem}" : $"{file} (byte offset {byteOffset}): {problem}", inner)
    {
        File = file;
        Problem = problem;
        ByteOffset = byteOffset;
    }

    public string File { get; }
    public string Problem { get; }
    public long? ByteOffset { get; }
}
