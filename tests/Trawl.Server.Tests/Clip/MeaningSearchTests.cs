using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Trawl.Server.Tests.Integration;

namespace Trawl.Server.Tests.Clip;

/// <summary>The table page's search by meaning and by image (serve --model), over <see cref="ClipServerFixture"/>.</summary>
public sealed partial class MeaningSearchTests(ClipServerFixture f) : IClassFixture<ClipServerFixture>
{
    [GeneratedRegex(@">row (\d+)</a> · ")]
    private static partial Regex GridRow();

    internal static long[] GridRows(string html) => GridRow().Matches(html).Select(m => long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private async Task<HttpResponseMessage> Upload(byte[] bytes, string fileName = "query.png", string query = "?table=pics")
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "image", fileName);
        return await f.Client.PostAsync("/clipds/-/meaning" + query, form);
    }

    [Fact]
    public async Task The_table_page_offers_search_by_meaning_and_by_image()
    {
        string html = await f.Client.GetStringAsync("/clipds/pics");
        Assert.Contains("<form class=\"search meaning\" method=\"get\" action=\"/clipds/-/meaning\">", html);
        Assert.Contains("name=\"q\"", html);
        Assert.Contains("enctype=\"multipart/form-data\" action=\"/clipds/-/meaning?table=pics\"", html);
        Assert.Contains("type=\"file\" name=\"image\"", html);
        // The page's search and filters go along, so the neighbours come from the same rows.
        html = await f.Client.GetStringAsync("/clipds/pics?NSFW__exact=UNLIKELY&_sort=caption");
        Assert.Contains("<input type=\"hidden\" name=\"NSFW__exact\" value=\"UNLIKELY\">", html);
        string forms = html[html.IndexOf("meaning-search", StringComparison.Ordinal)..];
        forms = forms[..forms.IndexOf("</div>", StringComparison.Ordinal)];
        Assert.DoesNotContain("name=\"_sort\"", forms);
    }

    [Fact]
    public async Task Text_finds_the_rows_whose_vectors_mean_it_first()
    {
        var response = await f.Client.GetAsync("/clipds/-/meaning?table=pics&q=" + Uri.EscapeDataString("a cat on a red sofa"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        string html = await response.Content.ReadAsStringAsync();
        var rows = GridRows(html);
        Assert.Equal(ClipServerFixture.Captions.Length, rows.Length);
        Assert.Equal([6L, 7, 8], rows[..3].Order().ToArray());
        Assert.Equal(6, rows[0]);
        Assert.Contains("https://img.example.com/6.jpg", html);
        Assert.Contains("value=\"a cat on a red sofa\"", html);
    }

    [Fact]
    public async Task Text_search_keeps_the_filters_and_k()
    {
        string html = await f.Client.GetStringAsync("/clipds/-/meaning?table=pics&q=cat&NSFW__exact=UNSURE");
        Assert.Equal([4L], GridRows(html));
        html = await f.Client.GetStringAsync("/clipds/-/meaning?table=pics&q=cat&k=2");
        Assert.Equal(2, GridRows(html).Length);
    }

    [Fact]
    public async Task An_uploaded_image_finds_its_own_row_first()
    {
        var response = await Upload(File.ReadAllBytes(ClipServerFixture.WidePng), "wide.png");
        string html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(ClipServerFixture.WideRow, GridRows(html)[0]);
        Assert.Contains("the uploaded image", html);
    }

    [Fact]
    public async Task Bad_uploads_and_queries_are_clear_errors()
    {
        var garbage = await Upload("<html>not an image</html>"u8.ToArray(), "cat.png");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("not a JPEG, PNG, WebP or GIF image", await garbage.Content.ReadAsStringAsync());

        byte[] png = File.ReadAllBytes(ClipServerFixture.WidePng);
        var truncated = await Upload(png[..(png.Length / 2)]);
        Assert.Equal(HttpStatusCode.BadRequest, truncated.StatusCode);

        var huge = await Upload(new byte[17 << 20]);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Contains("larger than 16 MB", await huge.Content.ReadAsStringAsync());

        var empty = await Upload([]);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        var noFile = await f.Client.PostAsync("/clipds/-/meaning?table=pics", new FormUrlEncodedContent([new("q", "cat")]));
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Contains("the form field", await noFile.Content.ReadAsStringAsync());

        var noText = await f.Client.GetAsync("/clipds/-/meaning?table=pics&q=");
        Assert.Equal(HttpStatusCode.BadRequest, noText.StatusCode);
        var noTable = await f.Client.GetAsync("/clipds/-/meaning?table=nope&q=cat");
        Assert.Equal(HttpStatusCode.BadRequest, noTable.StatusCode);
        var badK = await f.Client.GetAsync("/clipds/-/meaning?table=pics&q=cat&k=100000");
        Assert.Equal(HttpStatusCode.BadRequest, badK.StatusCode);
    }

    [Fact]
    public async Task Hostile_text_is_encoded_on_the_results_page()
    {
        string html = await f.Client.GetStringAsync("/clipds/-/meaning?table=pics&q=" + Uri.EscapeDataString("<script>alert(1)</script>\""));
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }
}

/// <summary>A server without --model shows no meaning forms and answers the endpoint with a clear error.</summary>
public sealed class MeaningSearchWithoutModelTests(ServerFixture f) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Without_a_model_there_is_no_meaning_form_and_the_endpoint_says_why()
    {
        string html = await f.Client.GetStringAsync("/sample/photos");
        Assert.DoesNotContain("meaning-search", html);
        var response = await f.Client.GetAsync("/sample/-/meaning?table=photos&q=cat");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("--model DIR", await response.Content.ReadAsStringAsync());
    }
}
