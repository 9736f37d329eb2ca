using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Trawl.Server.Hosting;
using Trawl.Server.Output;
using Trawl.Server.Requests;
using Trawl.Server.Views;
using Trawl.Store;
using Trawl.Store.Contracts;
using Trawl.Store.VectorSets;

namespace Trawl.Server.Endpoints;

/// <summary>
/// The table page's search by meaning (serve --model): <c>GET /DB/-/meaning?table=T&amp;q=TEXT</c> encodes the text with
/// CLIP's text encoder, <c>POST /DB/-/meaning?table=T</c> (multipart/form-data, field <c>image</c>) the uploaded image
/// with its image encoder; either vector is searched (exact kNN or the set's index) in the table's image vector set,
/// within the page's search and filters, and the neighbours are shown as a thumbnail grid. The JSON twin is
/// <c>POST /DB/-/knn</c> with <c>text</c> or <c>image</c>.
/// </summary>
internal sealed class MeaningEndpoint(ServerState state)
{
    /// <summary>Largest image upload read; larger bodies are a 413 before any byte is decoded.</summary>
    public const int MaxUploadBytes = 16 << 20;
    public const int DefaultK = 24;
    public const int MaxK = 200;

    /// <summary>The page's own parameters, not filters.</summary>
    private static readonly string[] OwnKeys = ["table", "q", "vectors", "k"];

    public Task Get(HttpContext context, string db)
    {
        RequireModel();
        var p = QueryParams.Parse(context.Request.QueryString.Value);
        string text = (p.Get("q") ?? "").Trim();
        if (text.Length == 0)
            throw new UserErrorException("give q=TEXT to search by meaning");
        return Answer(context, db, p, text, () => state.ClipQueries.EncodeAsync(text, null, null, context.RequestAborted));
    }

    public async Task Post(HttpContext context, string db)
    {
        RequireModel();
        var p = QueryParams.Parse(context.Request.QueryString.Value);
        var request = context.Request;
        if (!request.HasFormContentType)
            throw new UserErrorException("upload the image as multipart/form-data in a field named 'image'");
        if (request.ContentLength > MaxUploadBytes + (64 << 10))
            throw TooLarge();
        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions
            {
                MultipartBodyLengthLimit = MaxUploadBytes,
                ValueCountLimit = 64,
                ValueLengthLimit = 64 << 10,
                MultipartHeadersLengthLimit = 16 << 10,
                BufferBodyLengthLimit = MaxUploadBytes + (64 << 10),
            }, context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            throw TooLarge();
        }
        var file = form.Files.GetFile("image") ?? throw new UserErrorException("choose an image file to upload (the form field 'image')");
        if (file.Length == 0)
            throw new UserErrorException("the uploaded image is empty (0 bytes)");
        if (file.Length > MaxUploadBytes)
            throw TooLarge();
        var bytes = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
            await stream.ReadExactlyAsync(bytes, context.RequestAborted);
        string name = string.IsNullOrWhiteSpace(file.FileName) ? "the uploaded image" : $"the uploaded image ({Path.GetFileName(file.FileName)})";
        await Answer(context, db, p, null, () => Task.FromResult<float[]?>(state.ClipQueries.EncodeImage(bytes, name)));
    }

    private void RequireModel()
    {
        if (state.ClipQueries.Encoder is null)
            throw new UserErrorException("searching by meaning needs a CLIP model: start the server with --model DIR");
    }

    private static BadHttpRequestException TooLarge() =>
        new($"the uploaded image is larger than {MaxUploadBytes >> 20} MB", StatusCodes.Status413PayloadTooLarge);

    private async Task Answer(HttpContext context, string db, QueryParams p, string? text, Func<Task<float[]?>> encode)
    {
        var dataset = state.Catalog.Get(db);
        var set = ChooseSet(dataset, p.Get("table"), p.Get("vectors"));
        var table = dataset.GetTable(set.Table);
        var filters = TableRequest.Parse(KnnEndpoint.FilterParams(p.Without(OwnKeys), table), table).Query;
        int k = ParseK(p.Get("k"));
        // Encoding and an exact search over a large set are heavy work: they wait for a slot like facets do.
        using var slot = await state.HeavyWork.EnterAsync(state.Options.SqlTimeLimit, context.RequestAborted);
        var vector = await encode() ?? throw new UserErrorException("nothing to search for");
        var result = dataset.Knn(new KnnQuery { VectorSet = set.Name, Vector = vector, K = k, Filter = filters });
        var carried = MeaningForms.Carried(p.Without(OwnKeys), table);
        var encoder = state.ClipQueries.Encoder!;
        await Responses.Html(context, MeaningView.Render(dataset.Name, table, set, result, text, carried,
            new MeaningForms.Abilities(encoder.CanEncodeText, encoder.CanEncodeImages)));
    }

    /// <summary>The named set; else the table's set called "image"; else its only set.</summary>
    internal static VectorSetInfo ChooseSet(IDatasetSource dataset, string? table, string? vectors)
    {
        if (!string.IsNullOrEmpty(vectors))
        {
            var named = dataset.ChooseVectorSet(vectors);
            if (!string.IsNullOrEmpty(table) && !named.Table.Equals(table, StringComparison.OrdinalIgnoreCase))
                throw new UserErrorException($"vector set '{named.Name}' belongs to table '{named.Table}', not '{table}'");
            return named;
        }
        if (!string.IsNullOrEmpty(table))
        {
            var info = dataset.GetTable(table);
            var image = dataset.ListVectorSets().FirstOrDefault(s => s.Name == "image" && s.Table.Equals(info.Name, StringComparison.OrdinalIgnoreCase));
            if (image is not null)
                return image;
        }
        return dataset.ChooseVectorSet(null, string.IsNullOrEmpty(table) ? null : table, "vectors=NAME");
    }

    private static int ParseK(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return DefaultK;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k is >= 1 and <= MaxK
            ? k
            : throw new UserErrorException($"k must be a whole number from 1 to {MaxK}, not '{text}'");
    }
}
