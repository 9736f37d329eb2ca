using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Trawl.Formats.Tables;

namespace Trawl.Clip.Encoders;

/// <summary>One ONNX session and the names and shapes CLIP needs from it.</summary>
internal sealed class OnnxTower : IDisposable
{
    private OnnxTower(string path, InferenceSession session)
    {
        Path = path;
        Session = session;
    }

    public string Path { get; }
    public InferenceSession Session { get; }

    public static OnnxTower Open(string path, int threads)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        try
        {
            return new OnnxTower(path, new InferenceSession(path, options));
        }
        catch (OnnxRuntimeException e)
        {
            throw new DataFormatException(path, $"ONNX Runtime cannot load this model: {FirstLine(e.Message)}", inner: e);
        }
        finally
        {
            options.Dispose();
        }
    }

    /// <summary>The input of this name, or null.</summary>
    public NodeMetadata? Input(string name) => Session.InputMetadata.TryGetValue(name, out var m) ? m : null;

    /// <summary>The embedding output: the one named <paramref name="preferred"/>, else the only rank-2 float output.</summary>
    public string EmbeddingOutput(string preferred)
    {
        if (Session.OutputMetadata.TryGetValue(preferred, out var m))
        {
            if (m.ElementDataType != TensorElementType.Float || m.Dimensions.Length != 2)
                throw new DataFormatException(Path, $"output '{preferred}' must be float32 of shape [batch, dim], not {Describe(m)}");
            return preferred;
        }
        var rank2 = Session.OutputMetadata.Where(o => o.Value.ElementDataType == TensorElementType.Float && o.Value.Dimensions.Length == 2).ToList();
        if (rank2.Count == 1) return rank2[0].Key;
        throw new DataFormatException(Path, $"expected an output '{preferred}' (float32 [batch, dim]); the model's outputs are {DescribeAll(Session.OutputMetadata)}");
    }

    public static string Describe(NodeMetadata m) =>
        $"{(m.IsTensor ? m.ElementDataType.ToString().ToLowerInvariant() : "non-tensor")} [{string.Join(", ", m.Dimensions.Select(d => d < 0 ? "?" : d.ToString()))}]";

    public static string DescribeAll(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        string.Join(", ", nodes.Select(n => $"{n.Key} {Describe(n.Value)}"));

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return nl < 0 ? s : s[..nl];
    }

    public void Dispose() => Session.Dispose();
}
