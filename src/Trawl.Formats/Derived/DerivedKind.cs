namespace Trawl.Formats.Derived;

/// <summary>What a derived column computes.</summary>
public enum DerivedKind : byte
{
    /// <summary>BPE tokens of a text column (<c>token_count(COL, 'cl100k_base')</c>).</summary>
    TokenCount,
    /// <summary>Words of a text column (<c>word_count(COL)</c>), see <see cref="Text.WordCounter"/>.</summary>
    WordCount,
    /// <summary>UTF-8 bytes of a text column (<c>byte_count(COL)</c>).</summary>
    ByteCount,
    /// <summary>The source file's top folder under the sources' common folder (<c>folder()</c>), e.g. "arxiv".</summary>
    SourceFolder,
    /// <summary>The source file's path under the sources' common folder (<c>file()</c>).</summary>
    SourceFile,
}
