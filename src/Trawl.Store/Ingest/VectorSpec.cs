namespace Trawl.Store.Ingest;

/// <summary>A --vectors file: "emb.npy", "emb.npz" (its first member), "emb.npz:MEMBER", or an HDF5 dataset
/// "base.h5:emb" ("base.h5" alone: its emb dataset, else its first 2-d float dataset).</summary>
internal readonly record struct VectorSpec(string File, string? Member)
{
    private static readonly string[] Containers = [".npz:", ".h5:", ".hdf5:"];

    public static VectorSpec Parse(string spec)
    {
        foreach (string container in Containers)
        {
            int i = spec.LastIndexOf(container, StringComparison.OrdinalIgnoreCase);
            if (i < 0)
                continue;
            string member = spec[(i + container.Length)..];
            return new VectorSpec(spec[..(i + container.Length - 1)], member.Length == 0 ? null : member);
        }
        return new VectorSpec(spec, null);
    }

    public bool IsNpz => File.EndsWith(".npz", StringComparison.OrdinalIgnoreCase);

    public bool IsHdf5 => File.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || File.EndsWith(".hdf5", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Member is null ? File : $"{File}:{Member}";
}
