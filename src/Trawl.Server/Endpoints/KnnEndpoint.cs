using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Requests;
using Trawl.Store;
using Trawl.Store.Datasets;
using Trawl.Store.VectorSets;

namespace Trawl.Server.Endpoints;

/// <summary>
/// <c>GET /DB/-/knn?row=…&amp;k=…</c> and <c>POST /DB/-/knn</c> (JSON body): exact nearest neighbours in a vector set.
/// Takes clip-retrieval's knn-service fields where they apply (embedding_input, num_images, deduplicate, modality;
/// indice_name is ignored) plus the table page's filters (_search, col__op=value). Answers
/// <c>{ok, rows: [{…, similarity}], dropped, elapsed_ms}</c>.
/// </summary>
internal sealed class KnnEndpoint(ServerState state)
{
    /// <summary>Largest POST body read (a 65,536-dim vector written out in JSON fits).</summary>
    private const int MaxBodyBytes = 4 << 20;

    /// <summary>Keys that are the query's own, not filters.</summary>
    private static readonly string[] KnnKeys =
        ["row", "row_vectors", "k", "num_images", "ef", "nprobe", "refine", "exact", "filter_strategy", "vectors", "modality", "deduplicate", "embedding_input", "indice_name",
         "use_mclip", "use_safety_model", "use_violence_detector", "aesthetic_score", "aesthetic_weight", "num_result_ids"];

    /// <summary>clip-retrieval's query inputs that a CLIP model (serve --model) turns into a vector.</summary>
    private static readonly string[] ModelInputs = ["text", "image", "image_url"];

    public Task Get(HttpContext context, string db) =>
        Answer(context, db, QueryParams.Parse(context.Request.QueryString.Value));

    public async Task Post(HttpContext context, string db)
    {
        var body = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            if (body.Length + read > MaxBodyBytes)
                throw new UserErrorException($"the request body is larger than {MaxBodyBytes / (1 << 20)} MB");
            body.Write(buffer, 0, read);
        }
        await Answer(context, db, FromJson(body.ToArray()));
    }

    /// <summary>A JSON object body as query parameters: strings as they are, numbers and booleans as written,
    /// arrays (embedding_input) as JSON text.</summary>
    internal static QueryParams FromJson(byte[] body)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new UserErrorException($"the request body is not valid JSON: {e.Message}");
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new UserErrorException("the request body must be a JSON object, e.g. {\"embedding_input\": [0.1, ...], \"num_images\": 10}");
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                string value = p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False or JsonValueKind.Array => p.Value.GetRawText(),
                    JsonValueKind.Null => "",
                    _ => throw new UserErrorException($"'{p.Name}': expected a string, number, boolean or array, not an object"),
                };
                pairs.Add(new(p.Name, value));
            }
            return new QueryParams(pairs);
        }
    }

    private async Task Answer(HttpContext context, string db, QueryParams p)
    {
        var dataset = state.Catalog.Get(db);
        var encoded = await state.ClipQueries.EncodeAsync(p.Get("text"), p.Get("image"), p.Get("image_url"), context.RequestAborted);
        var set = dataset.ChooseVectorSet(p.Get("modality") ?? p.Get("vectors"), null, "modality");
        var table = dataset.GetTable(set.Table);
        var filters = TableRequest.Parse(FilterParams(p.Without(KnnKeys).Without(ModelInputs), table), table).Query;
        var query = new KnnQuery
        {
            VectorSet = set.Name,
            Row = ParseRow(p.Get("row")),
            RowVectorSet = NullIfEmpty(p.Get("row_vectors")),
            Vector = encoded ?? (string.IsNullOrEmpty(p.Get("embedding_input")) ? null : QueryVectors.FromJson(p.Get("embedding_input")!, "embedding_input")),
            K = ParseK(p.Get("num_images") ?? p.Get("k")),
            Deduplicate = ParseBool(p.Get("deduplicate"), "deduplicate"),
            Exact = ParseBool(p.Get("exact"), "exact"),
            Ef = ParseCount(p.Get("ef"), "ef"),
            NProbe = ParseCount(p.Get("nprobe"), "nprobe"),
            Refine = ParseCount(p.Get("refine"), "refine"),
            FilterStrategy = FilterStrategyNames.Parse(p.Get("filter_strategy"), "filter_strategy"),
            Filter = filters,
        };
        // A kNN scan (exact, or filtered over many rows) is heavy work: it waits for a slot or gets a 503.
        Trawl.Store.VectorSets.KnnResult result;
        using (await state.HeavyWork.EnterAsync(state.Options.SqlTimeLimit, context.RequestAborted))
            result = dataset.Knn(query);
        await Responses.Json(context, w =>
        {
            w.WriteStartObject();
            w.WriteBoolean("ok", true);
            w.WriteString("database", dataset.Name);
            w.WriteString("table", table.Name);
            w.WriteString("vectors", set.Name);
            w.WriteString("similarity_field", result.SimilarityName);
            w.WriteStartArray("rows");
            for (int i = 0; i < result.Rows.Count; i++)
            {
                w.WriteStartObject();
                for (int c = 0; c < result.Columns.Count; c++)
                {
                    w.WritePropertyName(result.Columns[c]);
                    JsonValues.Write(w, result.Rows[i][c]);
                }
                w.WriteNumber(result.SimilarityName, result.Similarities[i]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("dropped", result.Dropped);
            w.WriteNumber("elapsed_ms", Math.Round(result.Elapsed.TotalMilliseconds, 2));
            if (result.Index is null) w.WriteNull("index"); else w.WriteString("index", result.Index);
            FilterStrategyNames.WritePlan(w, result.FilterPlan);
            if (result.Warning is not null) w.WriteString("warning", result.Warning);
            w.WriteEndObject();
        });
    }

    /// <summary>The keys that are filters: the table page's own (_search, _where, ...), col__op=value, and col=value for a
    /// column of the table. Any other plain field (a clip-retrieval client sends several Trawl does not use) is
    /// ignored, never turned into a filter.</summary>
    internal static QueryParams FilterParams(QueryParams p, TableInfo table) => new(p.Pairs.Where(pair =>
        pair.Key.StartsWith('_') || pair.Key.Contains("__", StringComparison.Ordinal)
        || table.Columns.Any(c => c.Name.Equals(pair.Key, StringComparison.OrdinalIgnoreCase))));

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

    private static long? ParseRow(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long row)
            ? row
            : throw new UserErrorException($"row must be an integer rowid, not '{text}'");
    }

    private static int ParseK(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return 10;
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int k)
            ? k
            : throw new UserErrorException($"num_images (k) must be a whole number from 1 to {KnnQuery.MaxK}, not '{text}'");
    }

    /// <summary>An index search setting (ef, nprobe): empty for the index's default, else a whole number ≥ 1.</summary>
    private static int? ParseCount(string? text, string name)
    {
        if (string.IsNullOrEmpty(text))
            return null;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= 1
            ? n
            : throw new UserErrorException($"{name} must be a whole number from 1 up, not '{text}'");
    }

    private static bool ParseBool(string? text, string name) => (text ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "0" or "false" or "no" => false,
        "1" or "true" or "yes" => true,
        _ => throw new UserErrorException($"{name} must be true or false, not '{text}'"),
    };
}
