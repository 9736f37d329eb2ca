namespace Trawl.Store.Ingest;

/// <summary>A --vectors file: "emb.npy", "emb.npz" (its first member) or "emb.npz:MEMBER".</summary>
internal readonly record struct VectorSpec(string File, string? Member)
{
    public static VectorSpec Parse(string spec)
    {
        int i = spec.LastIndexOf(".npz:", StringComparison.OrdinalIgnoreCase);
        if (i < 0)
            return new VectorSpec(spec, null);
        string member = spec[(i + 5)..];
        return new VectorSpec(spec[..(i + 4)], member.Length == 0 ? null : member);
    }

    public bool IsNpz => File.EndsWith(".npz", StringComparison.OrdinalIgnoreCase);

    public override string ToString() => Member is null ? File : $"{File}:{Member}";
}
