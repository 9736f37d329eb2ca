using Trawl.Formats.Text;

namespace Trawl.Formats.Derived;

/// <summary>A column computed while reading: see <see cref="DerivedKind"/>.</summary>
/// <param name="Name">The new column's name.</param>
/// <param name="Kind">What it computes.</param>
/// <param name="SourceColumn">The text column counted (token, word and byte counts); null for the file-based kinds.</param>
/// <param name="Encoding">The BPE vocabulary for token counts.</param>
public sealed record DerivedColumn(string Name, DerivedKind Kind, string? SourceColumn = null, TokenEncoding Encoding = TokenEncoding.Cl100kBase)
{
    /// <summary>The spelling a user would write, for messages.</summary>
    public string Spec => Kind switch
    {
        DerivedKind.TokenCount => $"{Name}=token_count({SourceColumn}, '{TokenEncodings.Name(Encoding)}')",
        DerivedKind.WordCount => $"{Name}=word_count({SourceColumn})",
        DerivedKind.ByteCount => $"{Name}=byte_count({SourceColumn})",
        DerivedKind.SourceFolder => $"{Name}=folder()",
        _ => $"{Name}=file()",
    };
}
