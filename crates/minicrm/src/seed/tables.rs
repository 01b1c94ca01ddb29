//! The seed's fixed vocabulary: Indian names, e-mail domains, cities (with how popular each is and
//! the shopping rhythm of its people) and a small product catalogue.

use super::rhythm::{Rhythm, BASE, EVENING, LATE_NIGHT, LUNCH_AND_LATE, MORNING, WEEKEND};

/// A first name and whether it is usually a woman's.
pub type FirstName = (&'static str, bool);

#[rustfmt::skip]
pub const FIRST_NAMES: &[FirstName] = &[
    ("Aarav", false), ("Aditya", false), ("Akash", false), ("Amit", false), ("Anand", false),
    ("Anil", false), ("Arjun", false), ("Ashok", false), ("Deepak", false), ("Dev", false),
    ("Dhruv", false), ("Gaurav", false), ("Harsh", false), ("Ishaan", false), ("Karan", false),
    ("Kunal", false), ("Manish", false), ("Mohit", false), ("Nikhil", false), ("Pranav", false),
    ("Rahul", false), ("Rajesh", false), ("Ravi", false), ("Rohan", false), ("Sanjay", false),
    ("Siddharth", false), ("Suresh", false), ("Tarun", false), ("Varun", false), ("Vikram", false),
    ("Vivek", false), ("Yash", false), ("Arnav", false), ("Kabir", false), ("Farhan", false),
    ("Imran", false), ("Harpreet", false), ("Gurpreet", false), ("Venkat", false), ("Karthik", false),
    ("Aadhya", true), ("Aishwarya", true), ("Ananya", true), ("Anjali", true), ("Anusha", true),
    ("Bhavna", true), ("Deepika", true), ("Divya", true), ("Fatima", true), ("Gayatri", true),
    ("Isha", true), ("Jyoti", true), ("Kavya", true), ("Kritika", true), ("Lakshmi", true),
    ("Meera", true), ("Neha", true), ("Nisha", true), ("Pooja", true), ("Priya", true),
    ("Radhika", true), ("Riya", true), ("Sakshi", true), ("Sana", true), ("Shreya", true),
    ("Simran", true), ("Sneha", true), ("Sunita", true), ("Swati", true), ("Tanvi", true),
    ("Trisha", true), ("Vidya", true), ("Zara", true), ("Aditi", true), ("Madhuri", true),
    ("Nandini", true), ("Pallavi", true), ("Revathi", true), ("Shalini", true), ("Uma", true),
];

#[rustfmt::skip]
pub const LAST_NAMES: &[&str] = &[
    "Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Shah", "Mehta", "Joshi", "Desai",
    "Reddy", "Rao", "Naidu", "Iyer", "Iyengar", "Menon", "Nair", "Pillai", "Krishnan", "Subramanian",
    "Banerjee", "Chatterjee", "Mukherjee", "Bose", "Das", "Ghosh", "Sen", "Roy", "Dutta", "Chakraborty",
    "Kulkarni", "Deshpande", "Patil", "Jadhav", "Pawar", "Shinde", "Gaikwad", "More", "Bhosale", "Chavan",
    "Agarwal", "Bansal", "Goel", "Jain", "Malhotra", "Kapoor", "Khanna", "Chopra", "Arora", "Bhatia",
    "Saxena", "Srivastava", "Tiwari", "Mishra", "Pandey", "Dubey", "Yadav", "Chauhan", "Rathore", "Thakur",
    "Khan", "Ahmed", "Qureshi", "Siddiqui", "Sheikh", "Fernandes", "D'Souza", "Pereira", "Gill", "Sandhu",
];

/// Mail providers and how common each is.
pub const EMAIL_DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 55),
    ("yahoo.co.in", 10),
    ("yahoo.com", 6),
    ("outlook.com", 8),
    ("hotmail.com", 6),
    ("rediffmail.com", 5),
    ("icloud.com", 4),
    ("protonmail.com", 1),
];

/// A city, how many customers live there (relative) and when they shop.
pub struct City {
    pub name: &'static str,
    pub weight: u32,
    pub rhythm: &'static Rhythm,
}

const fn city(name: &'static str, weight: u32, rhythm: &'static Rhythm) -> City {
    City {
        name,
        weight,
        rhythm,
    }
}

pub const CITIES: &[City] = &[
    city("Mumbai", 160, &EVENING),
    city("Delhi", 150, &WEEKEND),
    city("Bengaluru", 140, &LUNCH_AND_LATE),
    city("Hyderabad", 80, &LATE_NIGHT),
    city("Chennai", 70, &MORNING),
    city("Pune", 70, &LUNCH_AND_LATE),
    city("Kolkata", 60, &BASE),
    city("Ahmedabad", 50, &BASE),
    city("Jaipur", 30, &BASE),
    city("Lucknow", 30, &BASE),
    city("Surat", 25, &BASE),
    city("Chandigarh", 20, &WEEKEND),
    city("Kochi", 20, &MORNING),
    city("Indore", 20, &BASE),
    city("Nagpur", 15, &BASE),
    city("Bhopal", 15, &BASE),
    city("Coimbatore", 15, &MORNING),
    city("Visakhapatnam", 15, &BASE),
    city("Vadodara", 10, &BASE),
    city("Patna", 10, &BASE),
    city("Guwahati", 10, &BASE),
];

/// A product: SKU, name, category and its usual price in rupees.
pub type Product = (&'static str, &'static str, &'static str, u32);

pub const PRODUCTS: &[Product] = &[
    ("APP-001", "Cotton Kurta", "apparel", 899),
    ("APP-002", "Denim Jeans", "apparel", 1_799),
    ("APP-003", "Linen Shirt", "apparel", 1_499),
    ("APP-004", "Silk Saree", "apparel", 6_999),
    ("APP-005", "Printed T-Shirt", "apparel", 499),
    ("APP-006", "Track Pants", "apparel", 799),
    ("FTW-001", "Running Shoes", "footwear", 3_499),
    ("FTW-002", "Leather Sandals", "footwear", 1_299),
    ("FTW-003", "Kolhapuri Chappals", "footwear", 699),
    ("FTW-004", "Canvas Sneakers", "footwear", 1_999),
    ("ELC-001", "Wireless Earbuds", "electronics", 2_499),
    ("ELC-002", "Power Bank 10000mAh", "electronics", 1_499),
    ("ELC-003", "Smartwatch", "electronics", 4_999),
    ("ELC-004", "Bluetooth Speaker", "electronics", 2_999),
    ("ELC-005", "USB-C Charger", "electronics", 799),
    ("ELC-006", "Smartphone", "electronics", 24_999),
    ("ELC-007", "Laptop", "electronics", 54_999),
    ("BTY-001", "Kumkumadi Face Oil", "beauty", 899),
    ("BTY-002", "Sunscreen SPF 50", "beauty", 499),
    ("BTY-003", "Kajal", "beauty", 199),
    ("BTY-004", "Ayurvedic Hair Oil", "beauty", 299),
    ("BTY-005", "Matte Lipstick", "beauty", 449),
    ("HOM-001", "Cotton Bedsheet", "home", 1_299),
    ("HOM-002", "Steel Water Bottle", "home", 599),
    ("HOM-003", "Pressure Cooker 3L", "home", 1_899),
    ("HOM-004", "Scented Candles", "home", 399),
    ("HOM-005", "Cushion Covers", "home", 699),
    ("HOM-006", "Air Purifier", "home", 12_999),
    ("GRO-001", "Basmati Rice 5kg", "grocery", 699),
    ("GRO-002", "Filter Coffee 500g", "grocery", 450),
    ("GRO-003", "Assam Tea 1kg", "grocery", 550),
    ("GRO-004", "Cold-Pressed Groundnut Oil", "grocery", 399),
    ("GRO-005", "Dry Fruits Gift Box", "grocery", 1_499),
];
