using System.Net;
using System.Text.Json;

namespace Trawl.Server.Tests.Integration;

/// <summary>Small helpers for calling the JSON API.</summary>
internal static class Api
{
    public static async Task<JsonElement> GetJson(this HttpClient client, string url, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(url);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{url}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static long Count(this JsonElement page) => page.GetProperty("count").GetInt64();

    public static IEnumerable<long> RowIds(this JsonElement page) =>
        page.GetProperty("rows").EnumerateArray().Select(r => r.GetProperty("rowid").GetInt64());

    /// <summary>Follows next_url from <paramref name="url"/> to the end, returning every rowid seen.</summary>
    public static async Task<List<long>> AllRowIds(this HttpClient client, string url)
    {
        var ids = new List<long>();
        string? next = url;
        for (int pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 10_000, "pagination does not end");
            var page = await client.GetJson(next);
            ids.AddRange(page.RowIds());
            next = page.GetProperty("next_url").ValueKind == JsonValueKind.Null ? null : page.GetProperty("next_url").GetString();
        }
        return ids;
    }
}
