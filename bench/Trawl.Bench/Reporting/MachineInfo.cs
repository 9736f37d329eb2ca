using System.Runtime.InteropServices;
using System.Text.Json;

namespace Trawl.Bench.Reporting;

/// <summary>The machine a run happened on: CPU model, cores, memory, OS and .NET version.</summary>
internal static class MachineInfo
{
    public static void Write(Utf8JsonWriter json)
    {
        json.WriteString("bench", "machine");
        json.WriteString("cpu", CpuModel());
        json.WriteNumber("cores", Environment.ProcessorCount);
        json.WriteNumber("memory_gb", Math.Round(TotalMemoryBytes() / (1024.0 * 1024 * 1024), 1));
        json.WriteString("os", RuntimeInformation.OSDescription);
        json.WriteString("dotnet", RuntimeInformation.FrameworkDescription);
        json.WriteString("simd", System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "avx512"
            : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "avx2" : "none");
        json.WriteString("utc", DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"));
    }

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }

    private static long TotalMemoryBytes()
    {
        try
        {
            string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (line is not null)
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (IOException)
        {
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }
}
