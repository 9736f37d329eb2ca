using Trawl.Formats.Derived;
using Trawl.Formats.Tables;
using Trawl.Formats.Tests.Support;
using Trawl.Formats.Text;

namespace Trawl.Formats.Tests.Text;

public sealed class DerivedColumnsReaderTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Token_word_folder_and_file_columns_are_appended_to_every_batch()
    {
        Directory.CreateDirectory(Path.Combine(_files.Folder, "arxiv"));
        Directory.CreateDirectory(Path.Combine(_files.Folder, "common_crawl", "2023-06"));
        string a = _files.Write("arxiv/a.jsonl", "{\"text\":\"hello world\"}\n{\"text\":null}\n{\"text\":\"one two three\"}\n");
        string b = _files.Write("common_crawl/2023-06/b.jsonl", "{\"text\":\"x\"}\n");
        DerivedColumn[] derived =
        [
            new("tokens", DerivedKind.TokenCount, "text", TokenEncoding.Cl100kBase),
            new("words", DerivedKind.WordCount, "text"),
            new("source", DerivedKind.SourceFolder),
            new("file", DerivedKind.SourceFile),
        ];
        string root = DerivedColumnsReader.CommonFolder([a, b]);
        Assert.Equal(Path.GetFullPath(_files.Folder), root);
        using (var reader = DerivedColumnsReader.Wrap(TableReaders.Open(a), derived, root))
        {
            var t = Rows.ReadAll(reader, maxRows: 2);
            Assert.Equal(["text", "tokens", "words", "source", "file"], t.Columns);
            Assert.Equal(new object?[] { "hello world", 2L, 2L, "arxiv", "arxiv/a.jsonl" }, t.Rows[0]);
            Assert.Equal(new object?[] { null, null, null, "arxiv", "arxiv/a.jsonl" }, t.Rows[1]);
            Assert.Equal(3L, t.Rows[2][2]);
        }
        using (var reader = DerivedColumnsReader.Wrap(TableReaders.Open(b), derived, root))
        {
            var row = Rows.ReadAll(reader).Rows.Single();
            Assert.Equal("common_crawl", row[3]);
            Assert.Equal("common_crawl/2023-06/b.jsonl", row[4]);
        }
    }

    [Fact]
    public void Counting_a_column_the_source_lacks_names_the_columns_there_are()
    {
        string a = _files.Write("a.jsonl", "{\"body\":\"x\"}\n");
        var e = Assert.Throws<DataFormatException>(() => DerivedColumnsReader.Wrap(TableReaders.Open(a), [new DerivedColumn("n", DerivedKind.WordCount, "text")]));
        Assert.Contains("no column 'text'", e.Message);
        Assert.Contains("body", e.Message);
        var clash = Assert.Throws<DataFormatException>(() => DerivedColumnsReader.Wrap(TableReaders.Open(a), [new DerivedColumn("body", DerivedKind.SourceFolder)]));
        Assert.Contains("already has a column", clash.Message);
    }
}
