using System.Globalization;
using System.Text;

namespace Trawl.Formats.Images.Exif;

/// <summary>
/// Reads an image's EXIF tags the way img2dataset records them: exifread 3's <c>process_file(details=False)</c>, each
/// value printed and stripped, the whole dumped as JSON (<c>{"Image Make": "Canon", "EXIF ExposureTime": "1/100"}</c>).
/// The TIFF structure is found in a JPEG's APP1 Exif segment, a PNG's eXIf chunk, a WebP's EXIF chunk or a TIFF file;
/// IFD0 is "Image", IFD1 "Thumbnail", the Exif, GPS and Interoperability directories are followed once. Images
/// without EXIF give <c>{}</c>; damage that makes exifread raise (a value cut in half by the end of the file, an
/// unknown byte order) gives null, as img2dataset stores then. Every offset is checked against the file and every
/// loop is bounded: at most <see cref="MaxIfds"/> chained directories, 65,535 entries each, 999 values a tag.
/// </summary>
public static class ExifReader
{
    /// <summary>Chained directories followed at most (exifread follows any number; a crafted file could chain thousands).</summary>
    public const int MaxIfds = 64;

    /// <summary>Tags exifread skips when not asked for details: XMP, MakerNote, UserComment.</summary>
    private static readonly HashSet<int> IgnoredTags = [0x02BC, 0x927C, 0x9286];

    /// <summary>Bytes of each type, by the TIFF type number (1..13).</summary>
    private static readonly int[] TypeLength = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];

    /// <summary>img2dataset's <c>exif</c> value: the tags as a JSON object, <c>{}</c> when there are none, null when exifread would fail.</summary>
    public static string? ToImg2DatasetJson(ReadOnlySpan<byte> image)
    {
        var tags = Read(image);
        return tags is null ? null : PythonJson.Object(tags);
    }

    /// <summary>The tags in exifread's order with their printed values (stripped), or null when exifread would fail.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>>? Read(ReadOnlySpan<byte> image)
    {
        try
        {
            var found = Locate(image);
            if (found is not { } at)
                return [];
            var header = new Header(image, at.Offset, at.BigEndian);
            return header.ReadAll();
        }
        catch (ExifFailure)
        {
            return null;
        }
    }

    /// <summary>Where the TIFF header starts, as exifread finds it; null when the file has no EXIF (or a format it does not know).</summary>
    private static (long Offset, bool BigEndian)? Locate(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2)
            return null;
        long offset;
        if (data[..2].SequenceEqual("II"u8) || data[..2].SequenceEqual("MM"u8))
            offset = 0;
        else if (data.Length >= 12 && data.Slice(4, 8).SequenceEqual("ftypheic"u8))
            return null;    // HEIC: not decoded by the downloader, so never asked
        else if (data.Length >= 12 && data[..4].SequenceEqual("RIFF"u8) && data.Slice(8, 4).SequenceEqual("WEBP"u8))
        {
            if (FindWebp(data) is not { } w)
                return null;
            offset = w;
        }
        else if (data[0] == 0xFF && data[1] == 0xD8)
        {
            if (FindJpeg(data) is not { } j)
                return null;
            offset = j;
        }
        else if (data.Length >= 8 && data[..8].SequenceEqual((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            if (FindPng(data) is not { } p)
                return null;
            offset = p;
        }
        else
            return null;
        // exifread names the byte order by the first byte: 'I' is Intel, 'M', 0x01 and 'd' are read big-endian, anything
        // else makes it raise.
        if (offset >= data.Length)
            throw new ExifFailure();
        byte order = data[(int)offset];
        return order switch
        {
            (byte)'I' => (offset, false),
            (byte)'M' or 0x01 or (byte)'d' => (offset, true),
            _ => throw new ExifFailure(),
        };
    }

    /// <summary>JPEG: skip JFIF-like APP segments, then walk segments within the first 4,000 bytes after them to an APP1
    /// "Exif" segment (a DQT ends the search), as exifread does; the TIFF header follows "Exif\0\0".</summary>
    private static long? FindJpeg(ReadOnlySpan<byte> data)
    {
        if (data.Length < 3)
            throw new ExifFailure();
        long segment = 2;
        for (int guard = 0; guard < 1 << 16; guard++)
        {
            // exifread reads the marker byte of each segment it skips here; a file that ends first makes it raise.
            if (segment >= data.Length)
                throw new ExifFailure();
            var id = Slice(data, segment + 4, 4);
            if (data[(int)segment] != 0xFF || !(id.SequenceEqual("JFIF"u8) || id.SequenceEqual("JFXX"u8) || id.SequenceEqual("OLYM"u8) || id.SequenceEqual("Phot"u8)))
                break;
            int length = data[(int)segment + 2] * 256 + data[(int)segment + 3];
            if (length < 8)
                throw new ExifFailure();    // it skips length - 8 bytes: a negative count reads to the end
            segment += length + 2;
        }
        long window = Math.Min(data.Length, segment + 4000);
        for (int guard = 0; guard < 1 << 16; guard++)
        {
            if (segment + 2 <= window && data[(int)segment] == 0xFF && data[(int)segment + 1] == 0xE1
                && segment + 8 <= window && data.Slice((int)segment + 4, 4).SequenceEqual("Exif"u8))
                return segment + 10;
            if (segment + 2 <= window && data[(int)segment] == 0xFF && data[(int)segment + 1] == 0xDB)
                return null;
            if (segment + 4 > window)
                return null;
            segment += data[(int)segment + 2] * 256 + data[(int)segment + 3] + 2;
        }
        return null;
    }

    /// <summary>PNG: the eXIf chunk's data.</summary>
    private static long? FindPng(ReadOnlySpan<byte> data)
    {
        long at = 8;
        for (int guard = 0; guard < 1 << 20; guard++)
        {
            var head = Slice(data, at, 8);
            var type = head.Length > 4 ? head[4..] : [];
            foreach (byte b in type)
            {
                if (b >= 0x80)
                    throw new ExifFailure();    // exifread decodes the chunk type as ASCII for its log
            }
            if (type.Length == 0 || type.SequenceEqual("IEND"u8))
                return null;
            if (type.SequenceEqual("eXIf"u8))
                return at + 8;
            if (head.Length < 4)
                return null;
            long size = (long)head[0] << 24 | (long)head[1] << 16 | (long)head[2] << 8 | head[3];
            at += 8 + size + 4;
        }
        return null;
    }

    /// <summary>WebP: a VP8X file flagged as holding EXIF, then its EXIF chunk (chunks walked without the even padding, as exifread does).</summary>
    private static long? FindWebp(ReadOnlySpan<byte> data)
    {
        var vp8x = Slice(data, 12, 5);
        if (vp8x.Length < 5 || !vp8x[..4].SequenceEqual("VP8X"u8) || (vp8x[4] & 8) == 0)
            return null;
        long at = 12 + 5 + 13;
        for (int guard = 0; guard < 1 << 20; guard++)
        {
            var head = Slice(data, at, 8);
            if (head.Length != 8)
                return null;
            if (head[..4].SequenceEqual("EXIF"u8))
                return at + 8;
            at += 8 + (long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
        }
        return null;
    }

    private static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> data, long at, int length)
    {
        if (at < 0 || at >= data.Length)
            return [];
        return data.Slice((int)at, (int)Math.Min(length, data.Length - at));
    }

    /// <summary>Where exifread would raise: the caller records null.</summary>
    private sealed class ExifFailure : Exception;

    /// <summary>One TIFF structure: exifread's ExifHeader with details off.</summary>
    private ref struct Header(ReadOnlySpan<byte> data, long offset, bool bigEndian)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private readonly List<string> _order = [];
        private readonly Dictionary<string, (string Printable, ExifValues Values)> _tags = new(StringComparer.Ordinal);

        public IReadOnlyList<KeyValuePair<string, string>> ReadAll()
        {
            var ifds = new List<long>();
            var seen = new HashSet<long>();
            long ifd = Number(4, 4, false);
            while (ifd != 0 && ifds.Count < MaxIfds && seen.Add(ifd))
            {
                ifds.Add(ifd);
                long entries = Number(ifd, 2, false);
                long next = Number(ifd + 2 + 12 * entries, 4, false);
                ifd = next == ifd ? 0 : next;
            }
            for (int i = 0; i < ifds.Count; i++)
                Dump(ifds[i], i == 0 ? "Image" : i == 1 ? "Thumbnail" : "IFD " + i.ToString(CultureInfo.InvariantCulture), ExifTagTable.Main);
            if (_tags.TryGetValue("Image ExifOffset", out var exif))
            {
                if (exif.Values.Count == 0)
                    throw new ExifFailure();    // exifread indexes values[0]
                if (exif.Values.FirstOffset() is { } at)
                    Dump(at, "EXIF", ExifTagTable.Main);
            }
            var result = new List<KeyValuePair<string, string>>(_order.Count);
            foreach (string name in _order)
                result.Add(new(name, PythonText.Strip(_tags[name].Printable)));
            return result;
        }

        private void Dump(long ifd, string ifdName, IReadOnlyDictionary<int, ExifTagInfo> table)
        {
            long entries = Number(ifd, 2, false);
            for (long i = 0; i < entries; i++)
            {
                long entry = ifd + 2 + 12 * i;
                int tag = (int)Number(entry, 2, false);
                table.TryGetValue(tag, out var info);
                if (IgnoredTags.Contains(tag))
                    continue;
                ProcessTag(ifdName, info, entry, tag, info?.Name ?? "Tag 0x" + tag.ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        private void ProcessTag(string ifdName, ExifTagInfo? info, long entry, int tag, string tagName)
        {
            int type = (int)Number(entry + 2, 2, false);
            if (type is <= 0 or >= 14)
                return;
            int length = TypeLength[type];
            long count = Number(entry + 4, 4, false);
            long at = entry + 8;
            if (count * length > 4)
                at = Number(at, 4, false);
            ExifValues values = type == 2 ? Ascii(count, at) : Numbers(count, type, length, at);

            string printable = count == 1 && type != 2 ? values.Repr(0)
                : count > 50 && values.Count > 20 && !values.IsText ? values.Truncated20()
                : values.ToPython();
            if (info is not null)
            {
                if (info.Style == ExifValueStyle.Text)
                    printable = values.MakeString();
                else if (info.Labels is { } labels)
                    printable = values.Labelled(labels);
                else if (info.SubIfd != ExifSubIfd.None && values.Count > 0 && values.FirstOffset() is { } sub)
                    Dump(sub, info.SubIfd == ExifSubIfd.Gps ? "GPS" : "Interoperability", info.SubIfd == ExifSubIfd.Gps ? ExifTagTable.Gps : ExifTagTable.Interoperability);
            }
            string key = ifdName + " " + tagName;
            if (!_tags.ContainsKey(key))
                _order.Add(key);
            _tags[key] = (printable, values);
        }

        private readonly ExifValues Ascii(long count, long at)
        {
            if (count == 0)
                return ExifValues.Text("");
            var bytes = Slice(_data, offset + at, (int)Math.Min(count, int.MaxValue));
            int nul = bytes.IndexOf((byte)0);
            if (nul >= 0)
                bytes = bytes[..nul];
            try
            {
                return ExifValues.Text(StrictUtf8.GetString(bytes));
            }
            catch (DecoderFallbackException)
            {
                return ExifValues.Bytes(bytes.ToArray());
            }
        }

        private readonly ExifValues Numbers(long count, int type, int length, long at)
        {
            var list = new List<ExifValue>();
            if (count >= 1000)
                return ExifValues.List(list);
            bool signed = type is 6 or 8 or 9 or 10;
            for (long i = 0; i < count; i++)
            {
                if (type is 5 or 10)
                    list.Add(ExifValue.Ratio(Number(at, 4, signed), Number(at + 4, 4, signed)));
                else if (type is 11 or 12)
                {
                    var raw = Slice(_data, offset + at, length);
                    if (raw.Length < length)
                        list.Add(ExifValue.Integer(-1));    // exifread: "possibly corrupted", -1
                    else if (type == 11)
                    {
                        int bits = bigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(raw) : System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(raw);
                        list.Add(ExifValue.Float(BitConverter.Int32BitsToSingle(bits)));
                    }
                    else
                    {
                        long bits = bigEndian ? System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(raw) : System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(raw);
                        list.Add(ExifValue.Float(BitConverter.Int64BitsToDouble(bits)));
                    }
                }
                else
                    list.Add(ExifValue.Integer(Number(at, length, signed)));
                at += length;
            }
            return ExifValues.List(list);
        }

        /// <summary>exifread's s2n: a number at a TIFF offset; 0 when the file has ended before it, a failure when it ends inside it.</summary>
        private readonly long Number(long at, int length, bool signed)
        {
            long position = offset + at;
            if (position < 0)
                throw new ExifFailure();
            if (position >= _data.Length)
                return 0;
            if (position + length > _data.Length)
                throw new ExifFailure();
            var b = _data.Slice((int)position, length);
            ulong v = 0;
            for (int i = 0; i < length; i++)
                v = v << 8 | b[bigEndian ? i : length - 1 - i];
            if (!signed)
                return (long)v;
            int shift = 64 - 8 * length;
            return (long)(v << shift) >> shift;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(false, true);
}
