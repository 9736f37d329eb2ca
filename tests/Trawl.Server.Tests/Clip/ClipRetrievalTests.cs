using System.Net;
using System.Text;
using System.Text.Json;
using Trawl.Server.Tests.Integration;

namespace Trawl.Server.Tests.Clip;

public class ClipRetrievalTests(ClipServerFixture f) : IClassFixture<ClipServerFixture>
{
    /// <summary>ClipClient's request body, as clip-retrieval sends it.</summary>
    private static Dictionary<string, object?> ClientBody(string? text = null, string? image = null, string? imageUrl = null, float[]? embedding = null) => new()
    {
        ["text"] = text, ["image"] = image, ["image_url"] = imageUrl, ["embedding_input"] = embedding,
        ["deduplicate"] = true, ["use_safety_model"] = true, ["use_violence_detector"] = true, ["indice_name"] = "clipds",
        ["use_mclip"] = false, ["aesthetic_score"] = "", ["aesthetic_weight"] = "", ["modality"] = "image",
        ["num_images"] = 40, ["num_result_ids"] = 40,
    };

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Post(string url, object body)
    {
        var response = await f.Client.PostAsync(url, new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response);
    }

    [Fact]
    public async Task Knn_service_answers_clip_clients_text_query_with_clip_retrievals_fields()
    {
        var (status, body, _) = await Post("/knn-service", ClientBody(text: "a photo of a cat"));
        Assert.Equal(HttpStatusCode.OK, status);
        var first = body[0];
        Assert.Equal(0, first.GetProperty("id").GetInt64());
        Assert.Equal("a photo of a cat", first.GetProperty("caption").GetString());
        Assert.Equal("https://img.example.com/0.jpg", first.GetProperty("url").GetString());
        Assert.Equal("UNLIKELY", first.GetProperty("NSFW").GetString());
        Assert.True(first.GetProperty("similarity").GetDouble() > 0.9999);
        Assert.Equal(["url", "caption", "NSFW", "id", "similarity"], first.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task Safety_violence_and_deduplicate_drop_rows_as_clip_retrieval_does()
    {
        var unfiltered = ClientBody(text: "a cat on a red sofa");
        unfiltered["deduplicate"] = false;
        unfiltered["use_safety_model"] = false;
        unfiltered["use_violence_detector"] = false;
        var (_, all, _) = await Post("/knn-service", unfiltered);
        var allIds = all.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ClipServerFixture.Captions.Length, allIds.Count);
        Assert.Equal(6, allIds[0]);

        var (_, filtered, _) = await Post("/knn-service", ClientBody(text: "a cat on a red sofa"));
        var ids = filtered.EnumerateArray().Select(r => r.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(6, ids[0]);
        Assert.DoesNotContain(7L, ids);   // near copies of row 6
        Assert.DoesNotContain(8L, ids);
        Assert.DoesNotContain(2L, ids);   // NSFW
        Assert.DoesNotContain(4L, ids);   // UNSURE
        Assert.DoesNotContain((long)ClipServerFixture.ViolentRow, ids);
        // Oracle: clip-retrieval's rules written out plainly over the unfiltered order.
        double Dot(long a, float[] b) => f.Row((int)a).Select((x, d) => (double)x * b[d]).Sum();
        var removed = new HashSet<long> { 2, 4 };
        foreach (long id in allIds)
            if (Dot(id, f.Row(ClipServerFixture.ViolentRow)) > Dot(id, f.Row(0))) removed.Add(id);
        var component = new Dictionary<long, int>();
        for (int i = 0; i < allIds.Count; i++)
        {
            if (component.ContainsKey(allIds[i])) continue;
            component[allIds[i]] = i;
            var stack = new Stack<long>([allIds[i]]);
            while (stack.Count > 0)
            {
                long node = stack.Pop();
                foreach (long other in allIds)
                    if (!component.ContainsKey(other) && Dot(other, f.Row((int)node)) > 0.94) { component[other] = i; stack.Push(other); removed.Add(other); }
            }
        }
        Assert.Equal(allIds.Where(i => !removed.Contains(i)).ToList(), ids);
    }

    [Fact]
    public async Task Aesthetic_score_moves_the_query_towards_the_rating_embedding()
    {
        var body = ClientBody(text: "a photo of a cat");
        body["aesthetic_score"] = 9;
        body["aesthetic_weight"] = 5.0;
        body["use_violence_detector"] = false;
        var (_, result, _) = await Post("/knn-service", body);
        Assert.Equal(ClipServerFixture.AestheticRow, result[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task Num_images_limits_the_rows_with_metadata()
    {
        var body = ClientBody(text: "a dog");
        body["num_images"] = 2;
        body["num_result_ids"] = 5;
        body["deduplicate"] = false;
        body["use_safety_model"] = false;
        body["use_violence_detector"] = false;
        var (_, result, _) = await Post("/knn-service", body);
        Assert.Equal(5, result.GetArrayLength());
        Assert.True(result[1].TryGetProperty("caption", out _));
        Assert.False(result[2].TryGetProperty("caption", out _));
        Assert.True(result[4].TryGetProperty("similarity", out _));
    }

    [Fact]
    public async Task An_uploaded_image_and_a_fetched_image_url_find_their_own_row()
    {
        string b64 = Convert.ToBase64String(File.ReadAllBytes(ClipServerFixture.WidePng));
        Dictionary<string, object?> Unfiltered(Dictionary<string, object?> b)
        {
            b["deduplicate"] = false;
            b["use_violence_detector"] = false;
            return b;
        }
        var (_, byImage, _) = await Post("/knn-service", Unfiltered(ClientBody(image: b64)));
        Assert.Equal(ClipServerFixture.WideRow, byImage[0].GetProperty("id").GetInt64());
        Assert.True(byImage[0].GetProperty("similarity").GetDouble() > 0.9999);
        var (_, byUrl, _) = await Post("/knn-service", Unfiltered(ClientBody(imageUrl: f.ImageUrl)));
        Assert.Equal(ClipServerFixture.WideRow, byUrl[0].GetProperty("id").GetInt64());
    }

    [Fact]
    public async Task The_dataset_knn_endpoint_takes_clip_clients_body_and_ignores_fields_it_does_not_use()
    {
        var (status, body, _) = await Post("/clipds/-/knn", ClientBody(embedding: f.Row(3)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(3, body.GetProperty("rows")[0].GetProperty("rowid").GetInt64());
        var withUnknown = ClientBody(text: "a photo of a cat");
        withUnknown["some_new_field"] = "x";
        (status, body, _) = await Post("/clipds/-/knn", withUnknown);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, body.GetProperty("rows")[0].GetProperty("rowid").GetInt64());
        var get = await f.Client.GetJson("/clipds/-/knn?text=a%20photo%20of%20a%20cat&k=3&caption__contains=cat&unknown_thing=1");
        Assert.All(get.GetProperty("rows").EnumerateArray(), r => Assert.Contains("cat", r.GetProperty("caption").GetString()));
    }

    [Fact]
    public async Task Indices_list_and_metadata_answer_as_clip_retrieval()
    {
        var list = await f.Client.GetStringAsync("/indices-list");
        Assert.Equal("[\"clipds\"]", list);
        var (status, meta, _) = await Post("/metadata", new { ids = new[] { 1, 6 }, indice_name = "clipds" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, meta[0].GetProperty("id").GetInt64());
        Assert.Equal(ClipServerFixture.Captions[6], meta[1].GetProperty("metadata").GetProperty("caption").GetString());
        Assert.Equal("https://img.example.com/1.jpg", meta[0].GetProperty("metadata").GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("{\"modality\": \"image\", \"num_images\": 3, \"indice_name\": \"clipds\"}", "must fill one of text, image and image url input")]
    [InlineData("{\"image\": \"!!!notbase64\", \"modality\": \"image\", \"num_images\": 3}", "base64")]
    [InlineData("{\"image\": \"aGVsbG8gd29ybGQ=\", \"modality\": \"image\", \"num_images\": 3}", "not a JPEG, PNG, WebP or GIF")]
    [InlineData("{\"image_url\": \"file:///etc/passwd\", \"modality\": \"image\", \"num_images\": 3}", "http(s)")]
    [InlineData("{\"text\": \"x\", \"modality\": \"audio\", \"num_images\": 3}", "modality")]
    public async Task Bad_knn_service_requests_are_400s(string body, string message)
    {
        var response = await f.Client.PostAsync("/knn-service", new StringContent(body, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, text);
    }

    [Fact]
    public async Task Truncated_upload_is_a_400_naming_the_upload()
    {
        var bytes = File.ReadAllBytes(ClipServerFixture.WidePng);
        var (status, body, _) = await Post("/knn-service", ClientBody(image: Convert.ToBase64String(bytes[..(bytes.Length / 2)])));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("the uploaded image", body.GetProperty("error").GetString());
    }
}
