namespace Trawl.Formats.Hdf5;

/// <summary>
/// The messages of one object header (version 1 or 2), gathered across continuation blocks. Message
/// bodies are kept as byte slices with their file offsets, so later parsing errors name the place.
/// </summary>
internal sealed class Hdf5ObjectHeader
{
    public const int Dataspace = 0x01, LinkInfo = 0x02, Datatype = 0x03, FillValueOld = 0x04, FillValue = 0x05,
        Link = 0x06, Layout = 0x08, GroupInfo = 0x0A, FilterPipeline = 0x0B, Attribute = 0x0C,
        Continuation = 0x10, SymbolTable = 0x11, AttributeInfo = 0x15;

    private const int MaxBlocks = 4096;

    public readonly record struct Message(int Type, byte[] Block, int Start, int Length, long FileOffset)
    {
        public ReadOnlySpan<byte> Body => Block.AsSpan(Start, Length);
    }

    public List<Message> Messages { get; } = [];
    public ulong Address { get; }

    private Hdf5ObjectHeader(ulong address) => Address = address;

    public IEnumerable<Message> OfType(int type) => Messages.Where(m => m.Type == type);
    public Message? First(int type) => Messages.FirstOrDefault(m => m.Type == type) is { Block: not null } m ? m : null;

    public static Hdf5ObjectHeader Read(Hdf5Source src, ulong address, string objectName)
    {
        var header = new Hdf5ObjectHeader(address);
        string what = $"object header of '{objectName}'";
        byte[] prefix = src.ReadUpTo(address, 16, what);
        var pending = new Queue<(ulong Address, long Length)>();
        int blocks = 0;
        var seen = new HashSet<ulong>();
        if (prefix.Length >= 4 && prefix[0] == 'O' && prefix[1] == 'H' && prefix[2] == 'D' && prefix[3] == 'R')
        {
            // Version 2: signature, version, flags, optional times and attribute limits, chunk-0 size.
            byte[] head = src.ReadUpTo(address, 64, what);
            var c = new Hdf5Cursor(head, src, src.Check(address, 1, what), what);
            c.Signature("OHDR");
            byte version = c.U8();
            if (version != 2) throw c.Error($"object header version {version} is not supported");
            byte flags = c.U8();
            if ((flags & 0x20) != 0) c.Skip(16);
            if ((flags & 0x10) != 0) c.Skip(4);
            long size = (long)c.Sized(1 << (flags & 3));
            int start = c.Position;
            byte[] block = src.ReadBlock(address, start + size + 4, what);
            header.ParseV2Messages(src, block, start, (int)(start + size), src.Check(address, 0, what), (flags & 0x04) != 0, what, pending);
            while (pending.Count > 0)
            {
                var (a, len) = pending.Dequeue();
                if (++blocks > MaxBlocks || !seen.Add(a)) throw src.Error($"{what}: continuation blocks loop or are too many: corrupt", src.Check(a, 0, what));
                byte[] cont = src.ReadBlock(a, len, what);
                var cc = new Hdf5Cursor(cont, src, src.Check(a, len, what), what);
                cc.Signature("OCHK");
                header.ParseV2Messages(src, cont, 4, (int)len - 4, src.Check(a, len, what), (flags & 0x04) != 0, what, pending);
            }
            return header;
        }
        {
            var c = new Hdf5Cursor(prefix, src, src.Check(address, 1, what), what);
            byte version = c.U8();
            if (version != 1) throw c.Error($"object header version {version} is not supported (expected 1, or 'OHDR' for version 2): the address may be wrong");
            c.U8();
            int count = c.U16();
            c.U32();
            long size = c.U32();
            byte[] block = src.ReadBlock(address, 16 + size, what);
            header.ParseV1Messages(src, block, 16, (int)(16 + size), src.Check(address, 0, what), what, pending);
            while (pending.Count > 0)
            {
                var (a, len) = pending.Dequeue();
                if (++blocks > MaxBlocks || !seen.Add(a)) throw src.Error($"{what}: continuation blocks loop or are too many: corrupt", src.Check(a, 0, what));
                byte[] cont = src.ReadBlock(a, len, what);
                header.ParseV1Messages(src, cont, 0, (int)len, src.Check(a, len, what), what, pending);
            }
            _ = count;
            return header;
        }
    }

    private void ParseV1Messages(Hdf5Source src, byte[] block, int start, int end, long fileOffset, string what, Queue<(ulong, long)> pending)
    {
        var c = new Hdf5Cursor(block.AsSpan(0, end), src, fileOffset, what) { Position = start };
        while (c.Remaining >= 8)
        {
            int type = c.U16();
            int size = c.U16();
            c.U8();
            c.Skip(3);
            int bodyStart = c.Position;
            c.Skip(size);
            Add(src, type, block, bodyStart, size, fileOffset, what, pending);
            c.Align(8);
        }
    }

    private void ParseV2Messages(Hdf5Source src, byte[] block, int start, int end, long fileOffset, bool creationOrder, string what, Queue<(ulong, long)> pending)
    {
        var c = new Hdf5Cursor(block.AsSpan(0, end), src, fileOffset, what) { Position = start };
        int headerSize = creationOrder ? 6 : 4;
        while (c.Remaining >= headerSize)
        {
            int type = c.U8();
            int size = c.U16();
            c.U8();
            if (creationOrder) c.U16();
            int bodyStart = c.Position;
            c.Skip(size);
            Add(src, type, block, bodyStart, size, fileOffset, what, pending);
        }
    }

    private void Add(Hdf5Source src, int type, byte[] block, int start, int size, long fileOffset, string what, Queue<(ulong, long)> pending)
    {
        if (type == Continuation)
        {
            var c = new Hdf5Cursor(block.AsSpan(start, size), src, fileOffset + start, what);
            ulong a = c.Address();
            long len = (long)c.Length();
            if (len < 0 || len > Hdf5Source.MaxMetadataBlock) throw c.Error($"continuation block of {len} bytes: corrupt");
            pending.Enqueue((a, len));
            return;
        }
        if (type == 0) return; // NIL (padding)
        Messages.Add(new Message(type, block, start, size, fileOffset + start));
    }
}
