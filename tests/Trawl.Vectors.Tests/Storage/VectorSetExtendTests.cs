using Trawl.Vectors.Storage;

namespace Trawl.Vectors.Tests.Storage;

/// <summary>Appends in place (<see cref="VectorSetWriter.Extend"/>), their repair and reading a set by its owner's
/// committed count, each checked against a set written whole in one go.</summary>
public sealed class VectorSetExtendTests : IDisposable
{
    private const int Dim = 3; // 6-byte f16 rows: the checksum's 32-byte stripes never line up with rows
    private readonly string _dir = Directory.CreateTempSubdirectory("trawl-extend-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static float[] Rows(int first, int count) =>
        Enumerable.Range(first * Dim, count * Dim).Select(i => (float)((i % 97) - 48) / 8).ToArray();

    private string Whole(string name, int rows, out ulong checksum, out byte[] state)
    {
        string path = Path.Combine(_dir, name);
        using var writer = VectorSetWriter.Create(path, VectorElementType.Float16, Dim);
        writer.Append(Rows(0, rows));
        checksum = writer.Checksum;
        state = writer.ChecksumState();
        writer.Complete();
        return path;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // no saved state: the committed rows are read once to rebuild it
    public void Extend_then_publish_equals_the_set_written_whole(bool withState)
    {
        string path = Whole("a.f16", 101, out ulong checksum, out byte[] state);
        Whole("b.f16", 101 + 57, out ulong wholeChecksum, out _);
        using (var writer = VectorSetWriter.Extend(path, 101, checksum, withState ? state : []))
        {
            writer.Append(Rows(101, 57));
            Assert.Equal(158, writer.Count);
            Assert.Equal(wholeChecksum, writer.Checksum);
            writer.Complete();
            // Before the header is published, a plain open still sees the committed rows only... as an owner would.
            using (var before = VectorSetFile.Open(path, 101, checksum))
                Assert.Equal(101, before.Header.Count);
            writer.PublishHeader();
        }
        using var file = VectorSetFile.Open(path);
        Assert.Equal(158, file.Header.Count);
        Assert.Equal(wholeChecksum, file.Header.DataChecksum);
        file.VerifyChecksum();
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "b.f16")), File.ReadAllBytes(path));
    }

    [Fact]
    public void Open_by_the_owners_count_ignores_rows_past_it_and_a_lagging_header()
    {
        string path = Whole("a.f16", 40, out ulong checksum, out byte[] state);
        Whole("b.f16", 50, out ulong newChecksum, out _);
        using (var writer = VectorSetWriter.Extend(path, 40, checksum, state))
        {
            writer.Append(Rows(40, 10));
            writer.Complete();
        }
        // Not committed: the plain open refuses the trailing rows, the owner's open ignores them.
        Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path));
        using (var committed = VectorSetFile.Open(path, 40, checksum))
            Assert.Equal(40, committed.Header.Count);
        // Committed by the owner, header not yet raised: the owner's count wins.
        using (var lagging = VectorSetFile.Open(path, 50, newChecksum))
        {
            Assert.Equal(50, lagging.Header.Count);
            lagging.VerifyChecksum();
        }
        // More rows than the file holds, or the same count with another checksum: not the committed file.
        Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path, 51, newChecksum));
        Assert.Throws<VectorFormatException>(() => VectorSetFile.Open(path, 40, checksum ^ 1));
    }

    [Fact]
    public void Repair_cuts_off_uncommitted_rows_or_raises_a_lagging_header()
    {
        string path = Whole("a.f16", 40, out ulong checksum, out byte[] state);
        Whole("b.f16", 50, out ulong newChecksum, out _);
        long committedLength = new FileInfo(path).Length;
        using (var writer = VectorSetWriter.Extend(path, 40, checksum, state))
        {
            writer.Append(Rows(40, 10));
            writer.Complete();
        }
        byte[] extended = File.ReadAllBytes(path);

        // The owner never committed: back to 40 rows, byte for byte.
        Assert.True(VectorSetWriter.Repair(path, 40, checksum));
        Assert.Equal(committedLength, new FileInfo(path).Length);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_dir, "a.f16")), File.ReadAllBytes(path));
        Assert.False(VectorSetWriter.Repair(path, 40, checksum));

        // The owner committed 50 but crashed before publishing: the header is raised.
        File.WriteAllBytes(path, extended);
        Assert.True(VectorSetWriter.Repair(path, 50, newChecksum));
        using var file = VectorSetFile.Open(path);
        Assert.Equal(50, file.Header.Count);
        file.VerifyChecksum();
    }

    [Fact]
    public void Extend_refuses_a_file_that_is_not_the_committed_state()
    {
        string path = Whole("a.f16", 40, out ulong checksum, out byte[] state);
        Assert.Throws<VectorFormatException>(() => VectorSetWriter.Extend(path, 41, checksum, state).Dispose());
        Assert.Throws<VectorFormatException>(() => VectorSetWriter.Extend(path, 40, checksum ^ 1, state).Dispose());
        Assert.Throws<VectorFormatException>(() => VectorSetWriter.Extend(path, 30, checksum, []).Dispose());
    }

    [Fact]
    public void An_unknown_committed_checksum_is_not_compared_and_an_append_then_records_the_real_one()
    {
        string path = Whole("a.f16", 40, out ulong checksum, out _);
        Whole("b.f16", 50, out ulong newChecksum, out _);
        using (var file = VectorSetFile.Open(path, 40, VectorSetFile.UnknownChecksum))
            Assert.Equal(checksum, file.Header.DataChecksum);
        using (var writer = VectorSetWriter.Extend(path, 40, VectorSetFile.UnknownChecksum, []))
        {
            writer.Append(Rows(40, 10));
            Assert.Equal(newChecksum, writer.Checksum);
            writer.Complete();
            writer.PublishHeader();
        }
        using var after = VectorSetFile.Open(path);
        after.VerifyChecksum();
    }
}
