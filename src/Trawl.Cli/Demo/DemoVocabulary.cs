namespace Trawl.Cli.Demo;

/// <summary>Word lists for the demo captions and URLs: the kinds of things LAION captions describe.</summary>
internal static class DemoVocabulary
{
    /// <summary>The most common image hosts, most common first; the generator adds made-up ones to reach about 1,000.</summary>
    public static readonly string[] TopDomains =
    [
        "i.pinimg.com", "cdn.shopify.com", "images.squarespace-cdn.com", "i.ebayimg.com", "ae01.alicdn.com",
        "images.fineartamerica.com", "i.etsystatic.com", "m.media-amazon.com", "render.fineartamerica.com", "static.wixstatic.com",
        "i0.wp.com", "ih1.redbubble.net", "cdn11.bigcommerce.com", "i.ytimg.com", "live.staticflickr.com",
        "thumbs.dreamstime.com", "c8.alamy.com", "media.gettyimages.com", "image.shutterstock.com", "us.123rf.com",
        "i1.wp.com", "2.bp.blogspot.com", "1.bp.blogspot.com", "3.bp.blogspot.com", "4.bp.blogspot.com",
        "img.alicdn.com", "images-na.ssl-images-amazon.com", "photos.smugmug.com", "cdn.pixabay.com", "images.unsplash.com",
        "upload.wikimedia.org", "i.imgur.com", "res.cloudinary.com", "s3.amazonaws.com", "media.istockphoto.com",
        "st.depositphotos.com", "previews.123rf.com", "i2.wp.com", "cdn.homedit.com", "images.asos-media.com",
        "assets.vogue.com", "cdn.cnn.com", "i.dailymail.co.uk", "static01.nyt.com", "media.wired.com",
        "www.ikea.com", "target.scene7.com", "i5.walmartimages.com", "images.craigslist.org", "cdn.vox-cdn.com",
        "images.pexels.com", "farm4.staticflickr.com", "farm8.staticflickr.com", "img.freepik.com", "www.dhresource.com",
        "cdn.notonthehighstreet.com", "static.zara.net", "img.ltwebstatic.com", "www.stockvault.net", "images.bonanzastatic.com",
    ];

    public static readonly string[] DomainWords =
    [
        "pixel", "studio", "photo", "shop", "craft", "home", "decor", "art", "gallery", "style", "travel", "wild", "green", "blue",
        "north", "sun", "moon", "river", "stone", "wood", "paper", "print", "design", "media", "daily", "urban", "nordic", "cozy",
        "happy", "little", "vintage", "retro", "modern", "pure", "bright", "fresh", "kitchen", "garden", "pet", "paws", "bike",
        "trail", "coast", "alpine", "city", "lens", "frame", "canvas", "ink", "loom", "thread", "bloom", "leaf", "oak", "pine",
    ];

    public static readonly string[] DomainPrefixes = ["www.", "cdn.", "images.", "img.", "static.", "media.", "assets.", ""];

    public static readonly string[] DomainSuffixes = [".com", ".com", ".com", ".net", ".co.uk", ".de", ".fr", ".org", ".io", ".jp", ".com.au", ".ca", ".ch"];

    public static readonly string[] Colors =
    [
        "Black", "White", "Red", "Navy Blue", "Sage Green", "Beige", "Pink", "Grey", "Mustard Yellow", "Burgundy", "Teal", "Ivory",
        "Olive", "Lavender", "Rose Gold", "Charcoal", "Cream", "Turquoise",
    ];

    public static readonly string[] Materials =
    [
        "Leather", "Cotton", "Linen", "Wool", "Ceramic", "Wooden", "Stainless Steel", "Glass", "Velvet", "Bamboo", "Brass",
        "Marble", "Silk", "Denim", "Rattan", "Sterling Silver", "Cashmere",
    ];

    public static readonly string[] Products =
    [
        "Ankle Boots", "Table Lamp", "Throw Pillow Cover", "Coffee Mug", "Crossbody Bag", "Midi Dress", "Wall Clock", "Sneakers",
        "Pendant Necklace", "Area Rug", "Phone Case", "Backpack", "Dining Chair", "Wrist Watch", "Hoodie", "Planter Pot",
        "Baby Onesie", "Bookshelf", "Sunglasses", "Wedding Ring", "Tote Bag", "Duvet Cover Set", "Desk Organizer", "Scarf",
        "Cutting Board", "Earrings", "Candle Holder", "T-Shirt", "Sofa", "Water Bottle",
    ];

    public static readonly string[] ProductAdjectives =
    [
        "Vintage", "Handmade", "Minimalist", "Personalized", "Boho", "Luxury", "Retro", "Modern", "Rustic", "Oversized",
        "Slim Fit", "Scandinavian", "Custom", "Waterproof", "Hand Painted", "Organic",
    ];

    public static readonly string[] ProductSuffixes =
    [
        " for Women", " for Men", " - Size M", " | Free Shipping", " 2021 New Fashion", " Gift for Her", " (Set of 2)",
        " - Etsy", " on Sale", " Black Friday Deal", "",
    ];

    public static readonly string[] People =
    [
        "young woman", "businessman", "happy family", "smiling girl", "senior couple", "group of friends", "little boy",
        "female doctor", "chef", "college student", "construction worker", "yoga instructor", "father and daughter",
    ];

    public static readonly string[] Actions =
    [
        "working on laptop", "drinking coffee", "laughing together", "walking in the park", "cooking dinner", "reading a book",
        "talking on the phone", "riding a bicycle", "shopping online", "hiking in the mountains", "playing guitar",
    ];

    public static readonly string[] Settings =
    [
        "in a modern office", "at home", "on the beach", "in the kitchen", "outdoors", "in a cafe", "on a white background",
        "in the city", "at sunset", "in a studio",
    ];

    public static readonly string[] ArtSubjects =
    [
        "portrait of a knight in ornate armor", "a lighthouse in a storm", "an enchanted forest with glowing mushrooms",
        "a futuristic city at night", "a cat wearing a crown", "a dragon over the mountains", "still life with lemons",
        "a girl with a red umbrella", "an astronaut riding a horse", "a cozy cabin in the snow", "a sailing ship at dawn",
        "a fox in a field of flowers", "a steampunk airship", "a quiet Japanese garden", "abstract composition",
    ];

    public static readonly string[] ArtStyles =
    [
        "oil on canvas", "digital art", "watercolor", "concept art", "matte painting", "impressionism", "art nouveau",
        "ukiyo-e", "charcoal sketch", "pixel art", "surrealism", "baroque", "low poly", "studio ghibli style", "octane render",
    ];

    public static readonly string[] ArtModifiers =
    [
        "trending on artstation", "highly detailed", "4k", "8k wallpaper", "dramatic lighting", "volumetric light",
        "award winning", "masterpiece", "intricate", "soft focus", "cinematic",
    ];

    public static readonly string[] FirstNames =
    [
        "Mira", "Tomasz", "Elena", "Jonas", "Aiko", "Rafael", "Ingrid", "Kofi", "Lucía", "Anders", "Yusuf", "Camille",
        "Dmitri", "Noor", "Hiro", "Greta", "Mateo", "Sanna", "Oskar", "Amara", "Felix", "Léa", "Bram", "Zofia",
    ];

    public static readonly string[] Surnames =
    [
        "Vanderholt", "Kellner", "Rosetti", "Marrow", "Okafor", "Lindqvist", "Takeda", "Brandt", "Moreau", "Castellan",
        "Novak", "Whitcombe", "Haldane", "Ferreira", "Aalto", "Kowalczyk", "Delacroix-Ward", "Sorensen", "Ashdown", "Müller",
    ];

    public static readonly string[] Places =
    [
        "Zürich, Switzerland", "Paris, France", "東京 (Tokyo), Japan", "Reykjavík, Iceland", "São Paulo, Brazil", "New York City",
        "Kyoto, Japan", "Lisbon, Portugal", "Cape Town, South Africa", "Banff National Park", "the Amalfi Coast", "Santorini, Greece",
        "Kraków, Poland", "Marrakech, Morocco", "Queenstown, New Zealand", "Montréal, Canada", "Hallstatt, Austria", "Seoul, 서울",
    ];

    public static readonly string[] Scenes =
    [
        "Sunset over the old town", "Street food market at night", "Café terrace on a rainy evening", "Aerial view of the harbour",
        "Snowy mountain panorama", "Cherry blossoms along the river", "Colorful houses by the water", "Historic cathedral interior",
        "Empty beach at sunrise", "Busy shopping street at Christmas", "Autumn colors in the park",
    ];

    public static readonly string[] Animals =
    [
        "golden retriever puppy", "tabby cat", "red fox", "barn owl", "border collie", "Bengal tiger", "hummingbird",
        "French bulldog", "sea turtle", "Highland cow", "corgi", "snow leopard", "black labrador", "kitten", "horse",
    ];

    public static readonly string[] AnimalActions =
    [
        "sleeping on a windowsill", "playing in the snow", "running on the beach", "looking at the camera", "in the grass",
        "wearing a tiny hat", "yawning", "jumping over a log", "curled up on a blanket", "close-up portrait",
    ];

    public static readonly string[] Foods =
    [
        "chocolate chip cookies", "avocado toast", "homemade pizza", "ramen", "blueberry pancakes", "crème brûlée",
        "vegan buddha bowl", "sourdough bread", "strawberry cheesecake", "pad thai", "matcha latte", "lasagna",
    ];

    public static readonly string[] Rooms = ["living room", "bedroom", "kitchen", "bathroom", "home office", "patio", "nursery"];

    public static readonly string[] Licenses =
    [
        "https://creativecommons.org/licenses/by/4.0/", "https://creativecommons.org/licenses/by-sa/4.0/",
        "https://creativecommons.org/licenses/by-nc/2.0/", "https://creativecommons.org/licenses/by-nc-nd/4.0/",
        "https://creativecommons.org/licenses/by-nc-sa/3.0/", "https://creativecommons.org/publicdomain/zero/1.0/",
    ];

    public static readonly string[] UrlFolders = ["wp-content/uploads", "images", "media", "photos", "img", "assets/images", "files", "products", "uploads"];

    public static readonly int[] Widths = [236, 300, 400, 474, 500, 564, 600, 640, 700, 736, 800, 1000, 1024, 1200, 1280, 1500, 1600, 1920, 2048];

    /// <summary>Width / height of common pictures: square, 4:3, 3:4, 3:2, 2:3, 16:9, 9:16, 5:4.</summary>
    public static readonly double[] Aspects = [1.0, 1.0, 1.3333, 0.75, 1.5, 0.6667, 1.7778, 0.5625, 1.25];
}
