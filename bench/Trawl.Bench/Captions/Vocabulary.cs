namespace Trawl.Bench.Captions;

/// <summary>
/// The caption vocabulary, most frequent first: English function words, then words typical of
/// web image captions (a few with diacritics), then made-up but word-like syllable strings up to
/// <see cref="Size"/>. Word frequencies follow Zipf's law over this order.
/// </summary>
internal sealed class Vocabulary
{
    /// <summary>Words before this rank are function words, which nobody searches for alone.</summary>
    public const int StopWordCount = 24;

    public const int Size = 4000;

    private static readonly string[] StopWords =
    [
        "the", "a", "of", "and", "with", "in", "on", "for", "to", "at", "by", "from",
        "an", "is", "or", "as", "this", "that", "it", "your", "over", "into", "up", "out",
    ];

    // Common words of web image captions, roughly by how often they occur there.
    private static readonly string[] CaptionWords =
    [
        "photo", "image", "stock", "white", "black", "background", "vector", "illustration", "red", "blue",
        "woman", "man", "new", "design", "vintage", "set", "art", "print", "green", "dress",
        "isolated", "style", "home", "poster", "wall", "pink", "wedding", "gold", "small", "large",
        "old", "beautiful", "modern", "view", "house", "room", "girl", "boy", "dog", "cat",
        "water", "tree", "flower", "flowers", "garden", "city", "street", "car", "road", "beach",
        "sea", "sky", "sunset", "mountain", "lake", "river", "forest", "snow", "winter", "summer",
        "spring", "autumn", "christmas", "party", "birthday", "love", "heart", "card", "paper", "wood",
        "wooden", "table", "chair", "kitchen", "bedroom", "bathroom", "living", "interior", "window", "door",
        "light", "lamp", "dark", "bright", "yellow", "orange", "purple", "brown", "grey", "silver",
        "shirt", "t-shirt", "jacket", "shoes", "bag", "hat", "ring", "necklace", "earrings", "watch",
        "logo", "icon", "pattern", "seamless", "texture", "abstract", "cartoon", "drawing", "painting", "sketch",
        "hand", "face", "portrait", "family", "baby", "child", "children", "people", "business", "office",
        "food", "cake", "coffee", "tea", "pizza", "bread", "fruit", "apple", "salad", "chocolate",
        "fashion", "women's", "men's", "kids", "cotton", "leather", "plastic", "metal", "glass", "stone",
        "table", "map", "book", "cover", "page", "text", "word", "quote", "sign", "banner",
        "frame", "canvas", "sticker", "decal", "mug", "pillow", "blanket", "rug", "curtain", "sofa",
        "horse", "bird", "fish", "butterfly", "lion", "bear", "elephant", "rabbit", "fox", "owl",
        "bike", "boat", "train", "plane", "truck", "bus", "ship", "airport", "station", "bridge",
        "church", "castle", "tower", "building", "hotel", "restaurant", "shop", "market", "park", "island",
        "night", "morning", "day", "sun", "moon", "star", "stars", "cloud", "rain", "fire",
        "classic", "retro", "rustic", "elegant", "cute", "funny", "happy", "simple", "minimal", "luxury",
        "handmade", "custom", "personalized", "digital", "printable", "download", "free", "sale", "best", "top",
        "close-up", "aerial", "panoramic", "detail", "pair", "two", "three", "one", "group", "collection",
        "café", "naïve", "jalapeño", "crème", "brûlée", "façade", "piñata", "résumé", "señorita", "zoë",
    ];

    private static readonly string[] Onsets =
        ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z",
         "br", "ch", "cl", "cr", "dr", "fl", "gr", "pl", "pr", "sh", "st", "th", "tr", "sc"];

    private static readonly string[] Vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io", "y"];

    private static readonly string[] Codas = ["", "", "", "n", "r", "s", "l", "t", "m", "nd", "st", "ck", "rk"];

    private readonly string[] _words;

    private Vocabulary(string[] words) => _words = words;

    public string this[int rank] => _words[rank];

    public int Count => _words.Length;

    /// <summary>Builds the vocabulary; the same seed always gives the same words in the same order.</summary>
    public static Vocabulary Create(ulong seed)
    {
        var words = new List<string>(Size);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string w in StopWords.Concat(CaptionWords))
        {
            if (seen.Add(w))
                words.Add(w);
        }
        var random = new SplitMix64(seed ^ 0x766F636162UL);
        while (words.Count < Size)
        {
            int syllables = random.Next(2, 4);
            string w = "";
            for (int s = 0; s < syllables; s++)
                w += Onsets[random.Next(0, Onsets.Length)] + Vowels[random.Next(0, Vowels.Length)];
            w += Codas[random.Next(0, Codas.Length)];
            if (seen.Add(w))
                words.Add(w);
        }
        return new Vocabulary(words.ToArray());
    }
}
