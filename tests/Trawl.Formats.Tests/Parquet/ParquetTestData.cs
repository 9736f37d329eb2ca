using Trawl.Formats.Parquet;
using Trawl.Formats.Tables;
using Xunit.Abstractions;

namespace Trawl.Formats.Tests.Parquet;

/// <summary>Reads whole Parquet files for assertions.</summary>
internal static class ParquetTestData
{
    /// <summary>Reads every row as .NET values (null, bool, long, double, string, byte[]); JSON cells as strings.</summary>
    public static List<object?[]> ReadAll(string path, TableReaderOptions? options = null, ParquetReaderOptions? po = null, int batchRows = 333)
    {
        using var reader = ParquetTableReader.Open(path, options, po);
        return ReadAll(reader, batchRows);
    }

    public static List<object?[]> ReadAll(ITableReader reader, int batchRows = 333)
    {
        var rows = new List<object?[]>();
        var batch = new ColumnBatch(reader.Schema.Count, batchRows);
        while (reader.ReadBatch(batch, batchRows))
        {
            for (int r = 0; r < batch.RowCount; r++)
            {
                var row = new object?[reader.Schema.Count];
                for (int c = 0; c < row.Length; c++)
                    row[c] = batch.Columns[c].ValueAt(r);
                rows.Add(row);
            }
        }
        return rows;
    }

    // One folder per test run; a run removes the folders of earlier runs whose process has ended
    // (the test host is often killed before exit handlers run), so generated files do not pile up.
    private static readonly Lazy<string> RunDir = new(() =>
    {
        string root = Path.Combine(Path.GetTempPath(), "trawl-parquet-tests");
        Directory.CreateDirectory(root);
        foreach (string old in Directory.GetDirectories(root))
        {
            string name = Path.GetFileName(old);
            int dash = name.IndexOf('-');
            if (dash > 0 && int.TryParse(name[..dash], out int pid) && !IsRunning(pid))
            {
                try { Directory.Delete(old, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
        string dir = Path.Combine(root, Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return dir;
    });

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public static string TempFile(byte[] bytes, string name = "test.parquet")
    {
        string dir = Path.Combine(RunDir.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        string p = Path.Combine(dir, name);
        File.WriteAllBytes(p, bytes);
        return p;
    }
}
