using Trawl.Store.Contracts;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Trawl.Server.Clip;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Requests;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.Queries;
using Trawl.Store.VectorSets;

namespace Trawl.Server.Endpoints;

/// <summary>clip-retrieval's back end (clip_back.py), so its ClipClient and web front end work against Trawl:
/// <c>POST /knn-service</c>, <c>GET /indices-list</c>, <c>POST /metadata</c>, with the same request fields and the
/// same answers (a bare JSON list). <c>indice_name</c> names a dataset, or dataset/table. Fields Trawl does not use
/// (use_mclip, …) are ignored.</summary>
internal sealed class ClipRetrievalEndpoint(ServerState state)
{
    /// <summary>Largest body read: a base64 image of up to about 32 MB.</summary>
    private const int MaxBodyBytes = 48 << 20;

    /// <summary>The columns clip-retrieval returns by default (columns_to_return).</summary>
    private static readonly string[] PassThroughColumns = ["image_path", "NSFW"];

    public Task IndicesList(HttpContext context) => Responses.Json(context, w =>
    {
        w.WriteStartArray();
        foreach (string name in IndiceNames()) w.WriteStringValue(name);
        w.WriteEndArray();
    });

    /// <summary>A dataset's name when its vectors are on one table, else dataset/table for each such table.</summary>
    internal IEnumerable<string> IndiceNames()
    {
        foreach (var ds in state.Catalog.Datasets)
        {
            var tables = ds.ListVectorSets().Select(s => s.Table).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (tables.Count <= 1) yield return ds.Name;
            else foreach (string t in tables) yield return ds.Name + "/" + t;
        }
    }

    public async Task KnnService(HttpContext context)
    {
        using var doc = await ReadBody(context);
        var body = doc.RootElement;
        string? text = Str(body, "text"), image = Str(body, "image"), imageUrl = Str(body, "image_url");
        string modality = Str(body, "modality") ?? "image";
        if (modality is not ("image" or "text"))
            throw new UserErrorException($"modality must be \"image\" or \"text\", not \"{modality}\"");
        int numImages = Int(body, "num_images") ?? 100;
        int numResultIds = Int(body, "num_result_ids") ?? numImages;
        if (numImages < 1 || numResultIds < 1)
            throw new UserErrorException("num_images and num_result_ids must be at least 1");
        bool deduplicate = Bool(body, "deduplicate"), useSafety = Bool(body, "use_safety_model"), useViolence = Bool(body, "use_violence_detector");
        int? aestheticScore = Int(body, "aesthetic_score");
        double aestheticWeight = Double(body, "aesthetic_weight") ?? 0.5;
        var (dataset, table) = Resolve(Str(body, "indice_name"));

        float[] query = await state.ClipQueries.EncodeAsync(text, image, imageUrl, context.RequestAborted)
            ?? EmbeddingInput(body)
            ?? throw new UserErrorException("must fill one of text, image and image url input");
        if (aestheticScore is { } score && state.ClipQueries.Extras.Aesthetic.TryGetValue(score, out var aesthetic))
        {
            if (aesthetic.Length != query.Length)
                throw new UserErrorException($"the aesthetic embeddings have dimension {aesthetic.Length}, the query {query.Length}");
            for (int i = 0; i < query.Length; i++) query[i] += (float)(aesthetic[i] * aestheticWeight);
            Trawl.Clip.Encoders.ClipEncoder.L2Normalize(query);
        }

        var set = ChooseSet(dataset, table, modality);
        using var slot = await state.HeavyWork.EnterAsync(state.Options.SqlTimeLimit, context.RequestAborted);
        var result = dataset.Knn(new KnnQuery
        {
            VectorSet = set.Name,
            Vector = query,
            K = Math.Min(numResultIds, KnnQuery.MaxK),
            Filter = new TableQuery { Table = set.Table },
        });
        var ids = result.Rows.Select(r => Convert.ToInt64(r[0], CultureInfo.InvariantCulture)).ToArray();
        // The post-filters compare the results' own vectors, which only the embedded store maps.
        if ((deduplicate || useViolence) && dataset is not Trawl.Store.Datasets.Dataset)
            throw new UserErrorException("deduplicate and use_violence_detector need a dataset on local disk; send them as false");
        var matrix = dataset is Trawl.Store.Datasets.Dataset local ? local.OpenVectorSet(set.Name).Matrix : null;
        var embeddings = matrix is null ? [] : ids.Select(id =>
        {
            var v = new float[matrix.Dimension];
            matrix.CopyRowTo(id, v);
            Trawl.Clip.Encoders.ClipEncoder.L2Normalize(v);
            return v;
        }).ToList();

        var remove = new HashSet<int>();
        if (deduplicate) remove.UnionWith(ClipRetrievalFilter.NearDuplicates(embeddings));
        if (useViolence && state.ClipQueries.Extras.ViolencePrompts is { } prompts) remove.UnionWith(ClipRetrievalFilter.Violent(embeddings, prompts));
        var info = dataset.GetTable(set.Table);
        int safetyColumn = FindColumn(result.Columns, info, c => c.Name.Equals("NSFW", StringComparison.OrdinalIgnoreCase) || c.Name.Equals("punsafe", StringComparison.OrdinalIgnoreCase));
        if (useSafety && safetyColumn >= 0)
        {
            for (int i = 0; i < ids.Length; i++)
                if (ClipRetrievalFilter.IsUnsafe(result.Columns[safetyColumn], result.Rows[i][safetyColumn])) remove.Add(i);
        }
        if (useSafety && safetyColumn < 0)
            context.Response.Headers["X-Trawl-Warning"] = "use_safety_model: this table has no NSFW or punsafe column; nothing was dropped";

        var kept = new List<int>();
        var seenIds = new HashSet<long>();
        for (int i = 0; i < ids.Length; i++)
            if (!remove.Contains(i) && seenIds.Add(ids[i])) kept.Add(i);

        var columns = MetadataColumns(result.Columns, info);
        await Responses.Json(context, w =>
        {
            w.WriteStartArray();
            for (int n = 0; n < kept.Count; n++)
            {
                int i = kept[n];
                w.WriteStartObject();
                if (n < numImages)
                {
                    foreach (var (key, index) in columns)
                    {
                        w.WritePropertyName(key);
                        JsonValues.Write(w, result.Rows[i][index]);
                    }
                }
                w.WriteNumber("id", ids[i]);
                w.WriteNumber("similarity", result.Similarities[i]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    public async Task Metadata(HttpContext context)
    {
        using var doc = await ReadBody(context);
        var body = doc.RootElement;
        if (!body.TryGetProperty("ids", out var idsElement) || idsElement.ValueKind != JsonValueKind.Array)
            throw new UserErrorException("ids must be a list of result ids");
        var ids = new List<long>();
        foreach (var e in idsElement.EnumerateArray())
        {
            if (!e.TryGetInt64(out long id)) throw new UserErrorException($"ids: {e.GetRawText()} is not a whole number");
            ids.Add(id);
        }
        if (ids.Count > KnnQuery.MaxK) throw new UserErrorException($"at most {KnnQuery.MaxK:N0} ids at once");
        var (dataset, table) = Resolve(Str(body, "indice_name"));
        var info = table is not null ? dataset.GetTable(table) : dataset.GetTable(ChooseSet(dataset, null, "image").Table);
        await Responses.Json(context, w =>
        {
            w.WriteStartArray();
            foreach (long id in ids)
            {
                w.WriteStartObject();
                w.WriteNumber("id", id);
                w.WriteStartObject("metadata");
                if (dataset.GetRow(info.Name, id) is { } row)
                {
                    foreach (var (key, index) in MetadataColumns(row.Columns, info))
                    {
                        w.WritePropertyName(key);
                        JsonValues.Write(w, row.Values[index]);
                    }
                }
                w.WriteEndObject();
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    /// <summary>clip-retrieval's metadata keys: url and caption (from the columns with those roles, or so named),
    /// then image_path and NSFW where the table has them.</summary>
    private static List<(string Key, int Index)> MetadataColumns(IReadOnlyList<string> columns, TableInfo info)
    {
        var list = new List<(string, int)>();
        int url = FindColumn(columns, info, c => c.Role == ColumnRole.Url);
        if (url < 0) url = FindColumn(columns, info, c => c.Name.Equals("url", StringComparison.OrdinalIgnoreCase));
        int caption = FindColumn(columns, info, c => c.Role == ColumnRole.Caption);
        if (caption < 0) caption = FindColumn(columns, info, c => c.Name.Equals("caption", StringComparison.OrdinalIgnoreCase) || c.Name.Equals("text", StringComparison.OrdinalIgnoreCase));
        if (url >= 0) list.Add(("url", url));
        if (caption >= 0) list.Add(("caption", caption));
        foreach (string name in PassThroughColumns)
        {
            int i = FindColumn(columns, info, c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (i >= 0 && i != url && i != caption) list.Add((name, i));
        }
        return list;
    }

    private static int FindColumn(IReadOnlyList<string> columns, TableInfo info, Func<ColumnInfo, bool> match)
    {
        var column = info.Columns.FirstOrDefault(match);
        if (column is null) return -1;
        for (int i = 0; i < columns.Count; i++)
            if (columns[i].Equals(column.Name, StringComparison.OrdinalIgnoreCase)) return i;
        return -1;
    }

    /// <summary>indice_name as a dataset, or dataset/table; none means the first dataset (as clip-retrieval does).</summary>
    private (IDatasetSource Dataset, string? Table) Resolve(string? indice)
    {
        if (string.IsNullOrEmpty(indice)) return (state.Catalog.Datasets[0], null);
        if (state.Catalog.Contains(indice)) return (state.Catalog.Get(indice), null);
        int slash = indice.IndexOf('/');
        if (slash > 0 && state.Catalog.Contains(indice[..slash]))
        {
            var ds = state.Catalog.Get(indice[..slash]);
            return (ds, DatasetCatalog.GetTable(ds, indice[(slash + 1)..]).Name);
        }
        throw new NotFoundException($"no index '{indice}' (indices: {string.Join(", ", IndiceNames())})");
    }

    /// <summary>The vector set for a modality: the one so named (image / text), else the table's only set.</summary>
    private static VectorSetInfo ChooseSet(IDatasetSource dataset, string? table, string modality)
    {
        var sets = dataset.ListVectorSets().Where(s => table is null || s.Table.Equals(table, StringComparison.OrdinalIgnoreCase)).ToList();
        return sets.FirstOrDefault(s => s.Name.Equals(modality, StringComparison.OrdinalIgnoreCase))
            ?? sets.FirstOrDefault(s => s.Name.Contains(modality, StringComparison.OrdinalIgnoreCase))
            ?? (sets.Count == 1 ? sets[0] : throw new UserErrorException(sets.Count == 0
                ? $"dataset '{dataset.Name}' has no vector sets"
                : $"dataset '{dataset.Name}' has no vector set for modality '{modality}' (vector sets: {string.Join(", ", sets.Select(s => s.Name))}); name one 'image' or 'text'"));
    }

    private static float[]? EmbeddingInput(JsonElement body)
    {
        if (!body.TryGetProperty("embedding_input", out var e) || e.ValueKind == JsonValueKind.Null) return null;
        if (e.ValueKind != JsonValueKind.Array) throw new UserErrorException("embedding_input must be a list of numbers");
        var v = new float[e.GetArrayLength()];
        int i = 0;
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetDouble(out double d) || !double.IsFinite(d) || Math.Abs(d) > float.MaxValue)
                throw new UserErrorException($"embedding_input: item {i} ({x.GetRawText()}) is not a finite number");
            v[i++] = (float)d;
        }
        return v;
    }

    private static async Task<JsonDocument> ReadBody(HttpContext context)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw new UserErrorException($"the request body is larger than {MaxBodyBytes >> 20} MB");
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var doc = JsonDocument.Parse(buffer.ToArray());
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new UserErrorException("the request body must be a JSON object");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"the request body is not valid JSON: {e.Message}");
        }
    }

    private static string? Str(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Null => null,
            _ => throw new UserErrorException($"{name} must be a string"),
        } : null;

    /// <summary>A whole number given as a number or a numeric string; null, "" or absent as null (clip-retrieval's aesthetic_score "").</summary>
    private static int? Int(JsonElement body, string name)
    {
        double? d = Double(body, name);
        if (d is null) return null;
        if (d != Math.Floor(d.Value) || d < int.MinValue || d > int.MaxValue) throw new UserErrorException($"{name} must be a whole number");
        return (int)d.Value;
    }

    private static double? Double(JsonElement body, string name)
    {
        if (!body.TryGetProperty(name, out var v)) return null;
        switch (v.ValueKind)
        {
            case JsonValueKind.Null: return null;
            case JsonValueKind.Number: return v.GetDouble();
            case JsonValueKind.String when v.GetString() is "" or null: return null;
            case JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d): return d;
            default: throw new UserErrorException($"{name} must be a number");
        }
    }

    private static bool Bool(JsonElement body, string name) =>
        body.TryGetProperty(name, out var v) && v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            JsonValueKind.Number => v.GetDouble() != 0,
            JsonValueKind.String => v.GetString() is "true" or "True" or "1",
            _ => false,
        };
}
